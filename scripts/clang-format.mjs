// `npm run lint`'s C++ half: clang-format --dry-run --Werror over the native
// addon's sources, in the style of compute/native/.clang-format. Where
// clang-format is not installed the check is skipped with a message saying
// so, except in CI (VLAB_CI or CI set), where a missing clang-format fails.
// CLANG_FORMAT names another binary (clang-format-19, a full path).

import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const nativeDir = join(root, 'compute', 'native');
const SOURCE = /\.(cc|cpp|h|hpp)$/;
/** Build outputs (build/, test:portable's build-clang/) and vendored code keep their own style. */
const SKIP = new Set(['build', 'node_modules', 'third_party', 'vendor']);

function sources(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return SKIP.has(entry.name) || entry.name.startsWith('build-') ? [] : sources(path);
    return entry.isFile() && SOURCE.test(entry.name) ? [path] : [];
  });
}

const binary = process.env.CLANG_FORMAT || 'clang-format';
const inCi = Boolean(process.env.VLAB_CI || process.env.CI);
const probe = spawnSync(binary, ['--version'], { encoding: 'utf8' });
if (probe.error || probe.status !== 0) {
  const install = 'Debian/Ubuntu: apt-get install clang-format; macOS: brew install clang-format';
  if (inCi) {
    console.error(`lint: ${binary} is not installed, and CI must check the C++ style (${install})`);
    process.exit(1);
  }
  console.log(`lint: skipping the C++ style check: ${binary} is not installed (${install})`);
  process.exit(0);
}

// The test tooling's C++ (the STREAM-like probe) keeps the addon's style.
const files = [...sources(nativeDir), ...sources(join(root, 'test'))].sort();
const style = `--style=file:${join(nativeDir, '.clang-format')}`;
const result = spawnSync(binary, ['--dry-run', '--Werror', style, ...files], { cwd: root, stdio: 'inherit' });
if (result.status !== 0) {
  console.error(
    `lint: ${relative(root, nativeDir)}: C++ not in clang-format's style; fix with: ${binary} -i ${style} <file>`,
  );
  process.exit(result.status ?? 1);
}
console.log(`lint: ${files.length} C++ files in clang-format's style (${probe.stdout.trim()})`);
