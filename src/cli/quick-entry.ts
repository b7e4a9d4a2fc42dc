/**
 * The entry of the quick bundle (build/bundle.mjs: one CommonJS file loaded with V8's code cache by the bin,
 * build/bin.mjs): the command lines main.ts answers before it would load yargs — `--version`, a mistyped command,
 * the common `analyze` lines of ./fast-args.ts. answersQuickly() says whether a command line is one of them (pure: it
 * reads the arguments and whether the first names an existing file, nothing else); the bin then calls
 * runAsCommand() from this bundle, otherwise from the full one. The bundle has no yargs and no check, report or
 * watch command: main.ts never reaches them for these command lines (test/cli-bin.test.ts runs both ways).
 */
import { unknownCommandMessage } from './command-guess.js';
import { fastAnalyzeArgs } from './fast-args.js';
import { COMMANDS, isVersionRequest } from './main.js';

export { runAsCommand } from './main.js';

/** True when main.ts answers this command line without yargs (the same three checks, in its order). */
export function answersQuickly(argv: readonly string[]): boolean {
  return isVersionRequest(argv) || unknownCommandMessage(argv, COMMANDS) !== undefined || fastAnalyzeArgs(argv) !== undefined;
}
