/** walk.ts - the Node floor: read a capture with readCapture() and an empty sink. Prints frames and bytes on stderr. */
import { readCapture } from '../src/capture/index.js';

const file = process.argv[2] ?? '-';
let n = 0;
const summary = await readCapture(file, {
  frame() {
    n++;
  },
  notice() {},
});
console.error(`walk: ${n} frames, ${summary.bytes} bytes`);
