// Quoting for the remote shell.
//
// Why this exists although the project never builds shell strings: the SSH protocol's "exec" request
// carries ONE string, which the server hands to the user's login shell (`$SHELL -c <string>`). There is
// no argv on the wire. So this is the single place where an argument array becomes a string, and each
// argument is quoted so the remote POSIX shell (bash/dash on Proxmox VE) turns it back into exactly that
// argument: no expansion, no word splitting, no globbing, no command separators.
//
// Single quotes are the only POSIX quoting with no special characters inside; a literal single quote is
// written as '\'' (close quote, escaped quote, reopen). Not suitable for csh/fish login shells.

// no '=': a first word like A=b would be an assignment
const SAFE = /^[A-Za-z0-9_\-.,:/@%+]+$/;

export function quoteShellArg(arg: string): string {
  if (arg.includes('\0')) throw new Error('a shell argument cannot contain a NUL byte');
  if (SAFE.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** `cmd args...` as one string for `sh -c`, every word quoted. */
export function shellCommand(cmd: string, args: readonly string[]): string {
  return [cmd, ...args].map(quoteShellArg).join(' ');
}
