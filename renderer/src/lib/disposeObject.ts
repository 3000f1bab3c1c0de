// Frees a three.js object and everything below it on the GPU: geometries,
// materials and their textures (the box's label sprites own theirs), then
// takes it out of its parent. three.js frees nothing by itself.

import type { Mesh, Object3D, SpriteMaterial } from 'three';

export function disposeObject(object: Object3D): void {
  object.traverse((child) => {
    const withGeometry = child as Partial<Mesh>;
    withGeometry.geometry?.dispose();
    const material = withGeometry.material;
    for (const m of Array.isArray(material) ? material : material ? [material] : []) {
      (m as SpriteMaterial).map?.dispose();
      m.dispose();
    }
  });
  object.removeFromParent();
}
