// `quire user add|list|set-role|disable|enable|passwd DIR|URL …`: the accounts of a team
// server (`quire serve`), kept in the project: its folder, or its PostgreSQL server store
// (postgres://… URL). Only this command manages them: whoever can run it on the project
// folder, or reach the database as its owner, owns the project (the first admin is made
// here too).
import type { Command } from 'commander';
import { ROLES } from '../../shared/roles.ts';
import { accountAdmin, type Account } from '../accounts/accounts.ts';
import { desktopRunner } from '../db/execute.ts';
import type { Runner } from '../db/ops.ts';
import { serverRunner } from '../db/pg/execute.ts';
import { isServerUrl, openServerStore } from '../db/pg/store.ts';
import { Project } from '../project/project.ts';
import { printable, printResult, table } from './output.ts';
import { readPassword } from './password-input.ts';

/** Runs `fn` on the project's store: a folder's database, or a server store's (which must hold a project). */
async function withStore<T>(location: string, fn: (run: Runner) => Promise<T>): Promise<T> {
  if (isServerUrl(location)) {
    const store = await openServerStore(location, { existing: true });
    try {
      return await fn(serverRunner(store));
    } finally {
      await store.end();
    }
  }
  const project = Project.open(location);
  try {
    return await fn(desktopRunner(() => project.db));
  } finally {
    project.close();
  }
}

const WHERE = 'project folder, or postgres:// URL of a server store';

const describe = (a: Account) => `${printable(a.name)} (${a.role}${a.disabled ? ', disabled' : ''})`;

export function addUserCommands(program: Command): void {
  const user = program.command('user').description('manage the accounts of a team server (quire serve)');
  const done = (json: boolean, a: Account, what: string) => printResult(json, a, () => `${what} ${describe(a)}`);

  user
    .command('add')
    .description('add an account; the password is read from stdin (or asked for on a terminal)')
    .argument('<dir>', WHERE)
    .argument('<name>', 'user name')
    .option('--role <role>', `one of ${ROLES.join(', ')}`, 'transcriber')
    .option('--json', 'print JSON')
    .action(async (dir: string, name: string, o: { role: string; json?: boolean }) => {
      const password = await readPassword();
      done(!!o.json, await withStore(dir, (run) => accountAdmin.add(run, name, o.role, password)), 'added');
    });

  user
    .command('list')
    .description('list the accounts')
    .argument('<dir>', WHERE)
    .option('--json', 'print JSON')
    .action(async (dir: string, o: { json?: boolean }) => {
      const list = await withStore(dir, (run) => run(accountAdmin.list()));
      printResult(!!o.json, list, () =>
        list.length
          ? table(list.map((a) => ({ name: printable(a.name), role: a.role, disabled: a.disabled ? 'yes' : 'no', created: a.createdAt })))
          : 'no accounts: add the first admin with `quire user add DIR NAME --role admin`',
      );
    });

  user
    .command('set-role')
    .description("change an account's role")
    .argument('<dir>', WHERE)
    .argument('<name>', 'user name')
    .argument('<role>', `one of ${ROLES.join(', ')}`)
    .option('--json', 'print JSON')
    .action(async (dir: string, name: string, role: string, o: { json?: boolean }) =>
      done(!!o.json, await withStore(dir, (run) => run(accountAdmin.setRole(name, role))), 'now'),
    );

  for (const [command, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const)
    user
      .command(command)
      .description(
        disabled ? 'stop an account from signing in (its sessions end; its edits keep its name)' : 'let a disabled account sign in again',
      )
      .argument('<dir>', WHERE)
      .argument('<name>', 'user name')
      .option('--json', 'print JSON')
      .action(async (dir: string, name: string, o: { json?: boolean }) =>
        done(!!o.json, await withStore(dir, (run) => run(accountAdmin.setDisabled(name, disabled))), `${command}d`),
      );

  user
    .command('passwd')
    .description("set an account's password (read from stdin or asked for); its sessions end")
    .argument('<dir>', WHERE)
    .argument('<name>', 'user name')
    .option('--json', 'print JSON')
    .action(async (dir: string, name: string, o: { json?: boolean }) => {
      const password = await readPassword();
      done(!!o.json, await withStore(dir, (run) => accountAdmin.setPassword(run, name, password)), 'new password for');
    });
}
