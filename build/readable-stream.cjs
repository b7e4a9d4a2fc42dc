/**
 * readable-stream for the bundled CLI (build/bundle.mjs aliases the package to this file): Node's own stream module.
 * readable-stream is a copy of Node's streams for browsers and old Nodes; mqtt-packet reaches it only through `bl`
 * (its BufferList is a Duplex), and on Node >= 20 the built-in one is the same API. Bundling the copy (and its
 * abort-controller, event-target-shim, buffer, process and string_decoder shims) cost about 80 KB of code to compile
 * at every start.
 */
'use strict';

module.exports = require('node:stream');
