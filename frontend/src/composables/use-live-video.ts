import { onBeforeUnmount, onMounted, shallowRef, watchEffect, type Ref } from 'vue';
import { adoptEarlyVideo, createLiveVideo } from '../lib/early-video';

/**
 * The camera tile's <video>, placed into `host` when the tile mounts: the element a camera page made before the
 * app booted when there is one (lib/early-video.ts: it may be playing already), else a new one. Made by hand, not
 * in the template, because only an element that already exists can be adopted.
 */
export function useLiveVideo(
  host: Readonly<Ref<HTMLElement | null>>,
  cameraId: () => number,
  label: () => string,
): Readonly<Ref<HTMLVideoElement | null>> {
  const video = shallowRef<HTMLVideoElement | null>(null);

  onMounted(() => {
    const frame = host.value;
    if (frame === null) return;
    video.value = adoptEarlyVideo(cameraId(), frame) ?? frame.appendChild(createLiveVideo(document));
  });

  watchEffect(() => video.value?.setAttribute('aria-label', label()));

  onBeforeUnmount(() => {
    const element = video.value;
    video.value = null;
    if (element) element.srcObject = null;
    element?.remove();
  });

  return video;
}
