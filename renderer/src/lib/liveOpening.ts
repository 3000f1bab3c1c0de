// When Live's opening run has ended: the opening grid's bars are in. The
// window's heaviest set-up waits for it: the 3D view's WebGL context holds
// the page's main thread for up to a second on a software GPU, and made
// first it holds back every step between launch and the bars (each a
// message the page must answer); made after, the engine times the grid
// first, and the bars are drawn as the records come. On a real GPU the
// context takes a few tens of milliseconds, and the wait is the opening
// run's, which Live's budget keeps under a second.

/** How long the set-up waits at most, whatever Live does (an engine that never answers). */
export const OPENING_WAIT_MS = 3000;

export class OpeningRun {
  /** Resolves once the opening run has ended, or Live will run none (off, held, nothing to run), or after the cap. */
  readonly ended: Promise<void>;
  private resolve: () => void = () => {};

  constructor(capMs = OPENING_WAIT_MS) {
    this.ended = new Promise<void>((resolve) => (this.resolve = resolve));
    setTimeout(() => this.resolve(), capMs);
  }

  /** The opening run has ended, or none will run: what waited goes on. */
  done(): void {
    this.resolve();
  }
}
