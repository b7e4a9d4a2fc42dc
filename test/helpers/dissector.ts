/**
 * Test helper: one MQTT connection dissector wired to arrays of the events it emits, for tests that feed it byte
 * streams directly (no capture file): a connection 10.0.0.1:50000 → 10.0.0.2:1883 whose client sent the SYN.
 */
import { FanoutTracer } from '../../src/mqtt/fanout.js';
import { MachineBook } from '../../src/model/machine.js';
import { MqttConnectionDissector } from '../../src/mqtt/dissector.js';
import { RequestResponseTracker } from '../../src/mqtt/request-response.js';
import type { MqttConnectionInfo } from '../../src/mqtt/connection.js';
import { ClientIdRegistry } from '../../src/mqtt/takeover.js';
import type { FindingEvent, LifecycleEvent, MqttEvent } from '../../src/model/events.js';

export interface TestDissector {
  dissector: MqttConnectionDissector;
  mqtt: MqttEvent[];
  findings: FindingEvent[];
  lifecycle: LifecycleEvent[];
}

/** Only the fields the dissector reads of a connection. */
export function testConnection(index = 0, serverPort = 1883): MqttConnectionInfo {
  const endpoint = (ip: string, port: number) => ({ ip, port, label: `${ip}:${port}` });
  return { index, client: endpoint('10.0.0.1', 50000), server: endpoint('10.0.0.2', serverPort), clientFromSyn: true };
}

/** A dissector for a connection to `serverPort` (1883: MQTT by port; any other: decided from the client's bytes). */
export function newTestDissector(index = 0, serverPort = 1883, clientIds = new ClientIdRegistry()): TestDissector {
  const mqtt: MqttEvent[] = [];
  const findings: FindingEvent[] = [];
  const lifecycle: LifecycleEvent[] = [];
  const dissector = new MqttConnectionDissector(testConnection(index, serverPort), {
    options: { mqttPorts: new Set([1883]), tlsPorts: new Set([8883]), maxPacketBytes: 1 << 20, showSecrets: false },
    fanout: new FanoutTracer({ maxRemembered: 100, windowSeconds: 60 }),
    machines: new MachineBook(),
    requests: new RequestResponseTracker(),
    clientIds,
    emit: (e) => {
      if (e.kind === 'finding') findings.push(e);
      else if (e.kind === 'lifecycle') lifecycle.push(e);
      else if (e.layer === 'mqtt') mqtt.push(e);
    },
  });
  return { dissector, mqtt, findings, lifecycle };
}
