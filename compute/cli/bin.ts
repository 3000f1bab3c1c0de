// The `vlab` command's entry point, compiled to dist/cli/vlab.js: what
// bin/vlab.js (the npm bin) and the packaged app run. It only calls main().

import { main } from './vlab.js';

await main(process.argv.slice(2));
