// Progress of long work on stderr: a bar on a terminal, a plain line about every 10% otherwise
// (so logs in CI stay short and readable).
import cliProgress from 'cli-progress';
import { forTerminal } from '../util/terminal-text.ts';

export type ProgressFields = Record<string, string | number>;

export interface Progress {
  /** One unit done; `fields` replace the shown key=value pairs. */
  tick(fields?: ProgressFields): void;
  stop(): void;
}

export interface ProgressOptions {
  total: number;
  label: string;
  stream?: NodeJS.WriteStream | NodeJS.WritableStream;
}

const formatFields = (fields: ProgressFields) =>
  Object.entries(fields)
    .map(([key, value]) => forTerminal(`${key}=${value}`, 'line'))
    .join(' ');

export function createProgress(options: ProgressOptions): Progress {
  const stream = options.stream ?? process.stderr;
  const total = Math.max(0, options.total);
  let done = 0;
  let fields: ProgressFields = {};

  if ((stream as NodeJS.WriteStream).isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${options.label} [{bar}] {value}/{total} {fields}`,
        stream: stream as NodeJS.WriteStream,
        hideCursor: true,
        clearOnComplete: false,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { fields: '' });
    return {
      tick(update) {
        done += 1;
        if (update) fields = update;
        bar.update(done, { fields: formatFields(fields) });
      },
      stop: () => bar.stop(),
    };
  }

  const step = Math.max(1, Math.ceil(total / 10));
  let lastPrinted = 0;
  const print = () => {
    const percent = total === 0 ? 100 : Math.round((100 * done) / total);
    const extra = formatFields(fields);
    stream.write(`${options.label}: ${done}/${total} (${percent}%)${extra ? ` ${extra}` : ''}\n`);
    lastPrinted = done;
  };
  return {
    tick(update) {
      done += 1;
      if (update) fields = update;
      if (done - lastPrinted >= step || done === total) print();
    },
    stop() {
      if (done !== lastPrinted) print();
    },
  };
}
