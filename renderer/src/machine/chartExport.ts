// A chart of the machine view as a file: the SVG as drawn, its styles
// (which live in the page's stylesheets and CSS variables) written onto
// each element, so that the file looks the same in any viewer; and a PNG
// drawn from that SVG at twice the size, for slides. Browser APIs only.

/** The computed properties that make the chart look as it does on screen. */
const STYLED = [
  'fill',
  'stroke',
  'stroke-width',
  'stroke-dasharray',
  'opacity',
  'font-family',
  'font-size',
  'font-weight',
  'text-anchor',
] as const;

/** The SVG element as a standalone document's text, its look inlined and a background behind it. */
export function svgText(svg: SVGSVGElement): string {
  const copy = svg.cloneNode(true) as SVGSVGElement;
  const originals = [svg, ...svg.querySelectorAll('*')];
  const copies = [copy, ...copy.querySelectorAll('*')];
  originals.forEach((element, k) => {
    const style = getComputedStyle(element);
    const target = copies[k] as SVGElement;
    for (const property of STYLED) target.style.setProperty(property, style.getPropertyValue(property));
  });
  const { width, height } = svg.viewBox.baseVal;
  copy.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  copy.setAttribute('width', String(width));
  copy.setAttribute('height', String(height));
  const background = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
  background.setAttribute('width', '100%');
  background.setAttribute('height', '100%');
  background.setAttribute(
    'fill',
    getComputedStyle(svg.closest('.panel') ?? document.body).backgroundColor || '#ffffff',
  );
  copy.insertBefore(background, copy.firstChild);
  return new XMLSerializer().serializeToString(copy);
}

/** The SVG drawn to a PNG at `scale` times its size. */
export async function pngOf(svg: SVGSVGElement, scale = 2): Promise<Uint8Array> {
  const text = svgText(svg);
  const { width, height } = svg.viewBox.baseVal;
  const url = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' }));
  try {
    const image = new Image();
    image.src = url;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    const context = canvas.getContext('2d');
    if (!context) throw new Error('this browser cannot draw a canvas');
    context.drawImage(image, 0, 0, canvas.width, canvas.height);
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
    if (!blob) throw new Error('the chart could not be drawn as a PNG');
    return new Uint8Array(await blob.arrayBuffer());
  } finally {
    URL.revokeObjectURL(url);
  }
}
