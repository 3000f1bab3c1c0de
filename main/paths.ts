// Where the app keeps its files: compute/dataDir.ts says, for the shells and the CLI alike.

export { APP_NAME, defaultDataDir } from '../compute/leaves.js';
