// Reads a password for `quire user add|passwd`: never from an argument (it would stay in the
// shell's history and in the process list). On a terminal it is asked for twice without
// echo; otherwise it is the first line of stdin (`printf '%s\n' "$PW" | quire user add …`).
import { createInterface } from 'node:readline';

async function firstLine(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
}

function askHidden(question: string): Promise<string> {
  return new Promise((ok) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    // Echo nothing of what is typed after the question.
    const write = (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput;
    (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (s) => {
      if (s.startsWith(question)) write.call(rl, question);
    };
    rl.question(question, (answer) => {
      rl.close();
      process.stderr.write('\n');
      ok(answer);
    });
  });
}

export async function readPassword(): Promise<string> {
  if (!process.stdin.isTTY) {
    const line = await firstLine();
    if (!line) throw new Error('no password on stdin: give it as the first line (it is never an argument)');
    return line;
  }
  const first = await askHidden('Password: ');
  const again = await askHidden('Password again: ');
  if (first !== again) throw new Error('the two passwords differ');
  return first;
}
