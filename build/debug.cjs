/**
 * debug for the bundled CLI (build/bundle.mjs aliases the package to this file): every namespace's logger does
 * nothing. mqtt-packet logs its parser states through `debug`, which nobody reads from this command line (it would
 * need DEBUG=mqtt-packet:*); the package checks the environment and builds its colour tables when loaded, and every
 * call still formats nothing but costs a call. The library (dist/src/index.js) is not bundled and keeps the real one.
 */
'use strict';

function disabled() {}
disabled.enabled = false;
disabled.extend = () => disabled;
disabled.destroy = () => undefined;

function createDebug() {
  return disabled;
}
createDebug.enable = () => undefined;
createDebug.disable = () => '';
createDebug.enabled = () => false;
createDebug.debug = createDebug;
createDebug.default = createDebug;

module.exports = createDebug;
