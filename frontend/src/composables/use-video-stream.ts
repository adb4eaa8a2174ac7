import { watch, type Ref } from 'vue';

/**
 * Keeps a <video> playing `stream`. srcObject is a property, not an attribute, so it is set by hand; play()
 * covers browsers that ignore autoplay on a stream attached after the element was created.
 */
export function useVideoStream(
  video: Readonly<Ref<HTMLVideoElement | null>>,
  stream: Readonly<Ref<MediaStream | null>>,
) {
  watch(
    [video, stream],
    ([element, media]) => {
      if (!element || element.srcObject === media) return;
      element.srcObject = media;
      if (media === null) return;
      element.play().catch((err: unknown) => {
        // AbortError: a newer stream or an unmount interrupted this play(), which is expected and harmless.
        if (err instanceof DOMException && err.name === 'AbortError') return;
        console.warn('The live video did not start playing', err);
      });
    },
    { flush: 'post' },
  );
}
