// Watches a <video>'s presented frames (requestVideoFrameCallback, or the decoded-frame count where that is
// missing) and says whether pictures still arrive: the tile's "no picture since …" comes from here.
import { onScopeDispose, ref, watch, type Ref } from 'vue';
import { PictureClock, type PictureState } from '../lib/picture-clock';

/** How often the state is re-judged between frames (ms). */
const CHECK_EVERY_MS = 250;

export function usePictureWatch(
  video: Readonly<Ref<HTMLVideoElement | null>>,
  stream: Readonly<Ref<unknown>>,
) {
  const clock = new PictureClock();
  const picture = ref<PictureState>('none');
  /** Wall-clock time of the newest frame, for the notice; null before the first. */
  const lastFrameAt = ref<Date | null>(null);
  let callbackId: number | null = null;
  let watched: HTMLVideoElement | null = null;
  let decoded = 0;

  const sawFrame = () => {
    clock.frame(performance.now());
    lastFrameAt.value = new Date();
    picture.value = 'flowing';
  };
  const onFrame = () => {
    sawFrame();
    if (watched) callbackId = watched.requestVideoFrameCallback(onFrame);
  };
  const detach = () => {
    if (watched && callbackId !== null) watched.cancelVideoFrameCallback(callbackId);
    callbackId = null;
    watched = null;
  };

  watch(
    [video, stream],
    ([element]) => {
      detach();
      clock.reset();
      picture.value = 'none';
      decoded = 0;
      if (!element) return;
      watched = element;
      if (typeof element.requestVideoFrameCallback === 'function')
        callbackId = element.requestVideoFrameCallback(onFrame);
    },
    { immediate: true, flush: 'post' },
  );

  const timer = setInterval(() => {
    if (watched && callbackId === null) {
      // No requestVideoFrameCallback (older browsers): count decoded frames instead.
      const total = watched.getVideoPlaybackQuality().totalVideoFrames;
      if (total > decoded) sawFrame();
      decoded = total;
    }
    picture.value = clock.state(performance.now());
  }, CHECK_EVERY_MS);

  onScopeDispose(() => {
    clearInterval(timer);
    detach();
  });

  return { picture, lastFrameAt };
}
