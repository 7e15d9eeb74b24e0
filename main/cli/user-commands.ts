// `quire user add|list|set-role|disable|enable|passwd DIR …`: the accounts of a team server
// (`quire serve`), kept in the project. Only this command manages them: whoever can run it
// on the project folder owns the project (the first admin is made here too).
import type { Command } from 'commander';
import { ROLES } from '../../shared/roles.ts';
import { accounts, addUser, setDisabled, setPassword, setRole, type Account } from '../accounts/accounts.ts';
import { Project } from '../project/project.ts';
import { printable, printResult, table } from './output.ts';
import { readPassword } from './password-input.ts';

async function withProject<T>(dir: string, fn: (project: Project) => T | Promise<T>): Promise<T> {
  const project = Project.open(dir);
  try {
    return await fn(project);
  } finally {
    project.close();
  }
}

const describe = (a: Account) => `${printable(a.name)} (${a.role}${a.disabled ? ', disabled' : ''})`;

export function addUserCommands(program: Command): void {
  const user = program.command('user').description('manage the accounts of a team server (quire serve)');
  const done = (json: boolean, a: Account, what: string) => printResult(json, a, () => `${what} ${describe(a)}`);

  user
    .command('add')
    .description('add an account; the password is read from stdin (or asked for on a terminal)')
    .argument('<dir>', 'project folder')
    .argument('<name>', 'user name')
    .option('--role <role>', `one of ${ROLES.join(', ')}`, 'transcriber')
    .option('--json', 'print JSON')
    .action(async (dir: string, name: string, o: { role: string; json?: boolean }) => {
      const password = await readPassword();
      done(!!o.json, await withProject(dir, (p) => addUser(p.db, name, o.role, password)), 'added');
    });

  user
    .command('list')
    .description('list the accounts')
    .argument('<dir>', 'project folder')
    .option('--json', 'print JSON')
    .action(async (dir: string, o: { json?: boolean }) => {
      const list = await withProject(dir, (p) => accounts(p.db));
      printResult(!!o.json, list, () =>
        list.length
          ? table(list.map((a) => ({ name: printable(a.name), role: a.role, disabled: a.disabled ? 'yes' : 'no', created: a.createdAt })))
          : 'no accounts: add the first admin with `quire user add DIR NAME --role admin`',
      );
    });

  user
    .command('set-role')
    .description("change an account's role")
    .argument('<dir>', 'project folder')
    .argument('<name>', 'user name')
    .argument('<role>', `one of ${ROLES.join(', ')}`)
    .option('--json', 'print JSON')
    .action(async (dir: string, name: string, role: string, o: { json?: boolean }) =>
      done(!!o.json, await withProject(dir, (p) => setRole(p.db, name, role)), 'now'),
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
      .argument('<dir>', 'project folder')
      .argument('<name>', 'user name')
      .option('--json', 'print JSON')
      .action(async (dir: string, name: string, o: { json?: boolean }) =>
        done(!!o.json, await withProject(dir, (p) => setDisabled(p.db, name, disabled)), `${command}d`),
      );

  user
    .command('passwd')
    .description("set an account's password (read from stdin or asked for); its sessions end")
    .argument('<dir>', 'project folder')
    .argument('<name>', 'user name')
    .option('--json', 'print JSON')
    .action(async (dir: string, name: string, o: { json?: boolean }) => {
      const password = await readPassword();
      done(!!o.json, await withProject(dir, (p) => setPassword(p.db, name, password)), 'new password for');
    });
}
