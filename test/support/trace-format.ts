// A checker of the Chrome trace-event format (the JSON object form), as Perfetto, chrome://tracing and speedscope
// read it, for the tests of `run --trace`: every event has the fields its phase needs, begin and end events balance
// (B/E per thread, b/e per category and id), timestamps never go backwards on a track, and complete slices on a
// thread nest (Perfetto drops slices that overlap without nesting). Times are compared in integer ns, rounded from
// the format's µs as Perfetto rounds them (llround(ts * 1000)).

const PHASES = new Set(['X', 'i', 'I', 'B', 'E', 'b', 'e', 'n', 'C', 'M']);

/** Problems found in a parsed trace file, one line each; empty when it is valid. */
export function traceFormatProblems(doc: unknown, most = 20): string[] {
  const problems: string[] = [];
  const say = (line: string): void => {
    if (problems.length < most) problems.push(line);
  };
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return ['not a JSON object'];
  const events = (doc as { traceEvents?: unknown }).traceEvents;
  if (!Array.isArray(events)) return ['traceEvents: not an array'];
  const lastTs = new Map<string, number>();
  const threadStacks = new Map<string, Array<{ name: string }>>();
  const asyncOpen = new Map<string, string[]>();
  const sliceEnds = new Map<string, number[]>();
  for (const [i, raw] of events.entries()) {
    const at = `traceEvents[${i}]`;
    if (typeof raw !== 'object' || raw === null) {
      say(`${at}: not an object`);
      continue;
    }
    const e = raw as Record<string, unknown>;
    const ph = e.ph;
    if (typeof ph !== 'string' || !PHASES.has(ph)) {
      say(`${at}: ph ${JSON.stringify(ph)} is not a known phase`);
      continue;
    }
    if (typeof e.name !== 'string' || e.name === '') say(`${at}: name missing`);
    if (!Number.isInteger(e.pid)) say(`${at}: pid missing or not an integer`);
    if (ph !== 'M' && (typeof e.ts !== 'number' || !Number.isFinite(e.ts) || e.ts < 0)) {
      say(`${at}: ts missing or not a finite number >= 0`);
      continue;
    }
    if (['X', 'i', 'I', 'B', 'E', 'M'].includes(ph) && !Number.isInteger(e.tid)) say(`${at}: tid missing or not an integer`);
    const ns = Math.round((e.ts as number) * 1000);
    const thread = `${String(e.pid)}:${String(e.tid)}`;
    let track = `thread ${thread}`;
    switch (ph) {
      case 'X': {
        if (typeof e.dur !== 'number' || !Number.isFinite(e.dur) || e.dur < 0) {
          say(`${at}: X without a finite dur >= 0`);
          continue;
        }
        const end = ns + Math.round(e.dur * 1000);
        const ends = sliceEnds.get(thread) ?? [];
        while (ends.length > 0 && (ends[ends.length - 1] ?? 0) <= ns) ends.pop();
        const parentEnd = ends[ends.length - 1];
        if (parentEnd !== undefined && end > parentEnd)
          say(
            `${at}: "${e.name}" [${ns}, ${end}] ns overlaps an enclosing slice of thread ${thread} ending at ${parentEnd} without nesting`,
          );
        if (Math.round(e.dur * 1000) > 0) ends.push(end);
        sliceEnds.set(thread, ends);
        break;
      }
      case 'i':
      case 'I':
        if (e.s !== undefined && e.s !== 't' && e.s !== 'p' && e.s !== 'g') say(`${at}: instant scope ${JSON.stringify(e.s)}`);
        break;
      case 'B': {
        const stack = threadStacks.get(thread) ?? [];
        stack.push({ name: e.name as string });
        threadStacks.set(thread, stack);
        break;
      }
      case 'E': {
        const stack = threadStacks.get(thread) ?? [];
        if (stack.pop() === undefined) say(`${at}: E without a B on thread ${thread}`);
        break;
      }
      case 'b':
      case 'e':
      case 'n': {
        if (typeof e.id !== 'string' && typeof e.id !== 'number') {
          say(`${at}: async event without an id`);
          continue;
        }
        if (typeof e.cat !== 'string') say(`${at}: async event without a cat`);
        track = `async ${String(e.pid)}:${String(e.cat)}:${String(e.id)}`;
        const open = asyncOpen.get(track) ?? [];
        if (ph === 'b') open.push(e.name as string);
        else if (ph === 'e') {
          const name = open.pop();
          if (name === undefined) say(`${at}: e without a b for cat ${String(e.cat)} id ${String(e.id)}`);
          else if (name !== e.name)
            say(`${at}: e "${String(e.name)}" closes b "${name}" (cat ${String(e.cat)} id ${String(e.id)})`);
        }
        asyncOpen.set(track, open);
        break;
      }
      case 'C': {
        const args = e.args;
        if (typeof args !== 'object' || args === null || Object.keys(args).length === 0) {
          say(`${at}: counter without args`);
          continue;
        }
        for (const [k, v] of Object.entries(args))
          if (typeof v !== 'number' || !Number.isFinite(v)) say(`${at}: counter series ${k} is not a number`);
        track = `counter ${String(e.pid)}:${String(e.name)}`;
        break;
      }
      case 'M': {
        const args = e.args as Record<string, unknown> | undefined;
        if ((e.name === 'process_name' || e.name === 'thread_name') && typeof args?.name !== 'string')
          say(`${at}: ${String(e.name)} without args.name`);
        continue;
      }
    }
    const last = lastTs.get(track);
    if (last !== undefined && ns < last) say(`${at}: ts ${ns} ns goes back on ${track} (last ${last} ns)`);
    lastTs.set(track, ns);
  }
  for (const [thread, stack] of threadStacks) if (stack.length > 0) say(`thread ${thread}: ${stack.length} B without an E`);
  for (const [track, open] of asyncOpen) if (open.length > 0) say(`${track}: ${open.length} b without an e`);
  return problems;
}
