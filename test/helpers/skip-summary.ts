/**
 * node:test reporter (used by `npm test`, next to the spec reporter): at the end of the run, one line per missing
 * tool ("needs ..." skip reasons from test/helpers/tools.ts) with how many tests it skipped, and one line for every
 * test skipped because the public corpus is absent, saying where the corpus comes from. Prints nothing when nothing
 * was skipped for those reasons. Does not judge the run: the spec reporter and the exit code do.
 */
import { corpusOrigin } from './corpus.js';

interface TestEvent {
  type: string;
  data?: { skip?: string | boolean; message?: string };
}

export default async function* skipSummary(source: AsyncIterable<TestEvent>): AsyncGenerator<string> {
  const tools = new Map<string, number>();
  let corpus = 0;
  for await (const event of source) {
    let reason: string | undefined;
    if ((event.type === 'test:pass' || event.type === 'test:fail') && typeof event.data?.skip === 'string') reason = event.data.skip;
    else if (event.type === 'test:diagnostic' && /^corpus skipped/i.test(event.data?.message ?? '')) reason = event.data?.message;
    if (reason === undefined) continue;
    if (reason.startsWith('needs ')) tools.set(reason, (tools.get(reason) ?? 0) + 1);
    else if (/corpus/i.test(reason)) corpus += 1;
  }
  for (const [line, n] of tools) yield `skipped ${n} test${n === 1 ? '' : 's'}: ${line}\n`;
  if (corpus > 0) yield `skipped ${corpus} corpus test${corpus === 1 ? '' : 's'}: ${corpusOrigin}\n`;
}
