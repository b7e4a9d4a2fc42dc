#!/usr/bin/env python3
"""Benchmark publisher (bench/make-capture.sh): publishes COUNT JSON messages of
varied size to bench/<name>/<sensor> at a mix of QoS 0, 1 and 2, then disconnects.
Deterministic for a given --seed. Works with paho-mqtt 1.6 and 2.x."""
import argparse, json, random, sys, time
import paho.mqtt.client as mqtt

ap = argparse.ArgumentParser()
ap.add_argument('--host', required=True)
ap.add_argument('--port', type=int, default=1883)
ap.add_argument('--name', required=True)
ap.add_argument('--count', type=int, default=10000)
ap.add_argument('--seed', type=int, default=1)
ap.add_argument('--mqtt5', action='store_true')
ap.add_argument('--rate', type=float, default=0, help='messages/s cap (0: none)')
a = ap.parse_args()

rnd = random.Random(a.seed)
proto = mqtt.MQTTv5 if a.mqtt5 else mqtt.MQTTv311
try:
    c = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=a.name, protocol=proto)
except AttributeError:
    c = mqtt.Client(client_id=a.name, protocol=proto)
c.max_inflight_messages_set(50)
c.max_queued_messages_set(0)
c.connect(a.host, a.port, keepalive=60)
c.loop_start()

sensors = ['temp', 'humidity', 'pressure', 'status', 'log', 'image-meta']
words = 'alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike'.split()
pending = []
t0 = time.time()
for i in range(a.count):
    r = rnd.random()
    qos = 0 if r < 0.5 else (1 if r < 0.8 else 2)
    sensor = rnd.choice(sensors)
    # size: mostly small, a long tail of larger messages (up to ~8 KB)
    size = int(min(8000, rnd.paretovariate(1.3) * 40))
    body = {'seq': i, 'pub': a.name, 'sensor': sensor, 'ts': round(t0 + i / 1000, 3),
            'value': round(rnd.uniform(-40, 120), 3), 'ok': rnd.random() > 0.1,
            'note': ' '.join(rnd.choice(words) for _ in range(max(1, size // 7)))}
    if sensor == 'log':
        body['lines'] = [f'line {k}: {rnd.choice(words)}' for k in range(rnd.randint(1, 20))]
    info = c.publish(f'bench/{a.name}/{sensor}', json.dumps(body), qos=qos, retain=(i % 997 == 0))
    if qos > 0:
        pending.append(info)
    if len(pending) >= 40:
        for p in pending:
            p.wait_for_publish(10)
        pending = []
    if a.rate > 0:
        ahead = (i + 1) / a.rate - (time.time() - t0)
        if ahead > 0:
            time.sleep(ahead)
for p in pending:
    p.wait_for_publish(10)
time.sleep(0.5)
c.disconnect()
c.loop_stop()
print(f'{a.name}: {a.count} messages in {time.time() - t0:.1f} s', file=sys.stderr)
