// Types of chooseShell.mjs (plain JavaScript, run before the TypeScript loader).
export type ShellChoice = { shell: 'electron'; binary: string } | { shell: 'web' } | { shell: null; error: string };
export function electronBinary(require?: NodeRequire, exists?: (path: string) => boolean): string | null;
export function chooseShell(wanted: string | undefined, binary: string | null): ShellChoice;
