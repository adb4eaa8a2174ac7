#!/usr/bin/python3
"""A real RTSP camera for the media tests: gst-rtsp-server through GObject introspection.

Run with Debian's /usr/bin/python3 (python3-gi + gir1.2-gst-rtsp-server-1.0). Reads one JSON line on stdin:
  {"user": "...", "password": "...", "port": n, "clip": "/path/clip.h264", "fps": n}  (all optional:
  user/password make every path require basic auth; port fixes the port; clip adds /clip)
Binds 127.0.0.1 on a port the kernel picks and prints `PORT <n>` on stdout once it listens.
Mount points (synthetic video, 320x240 at 15 fps, one keyframe a second):
  /h264  H.264 constrained baseline
  /h265  H.265 (x265enc)
  /mjpeg Motion JPEG
  /h264-aac  the H.264 stream with AAC audio (a 440 Hz tone), as a camera with a microphone sends it
  /h264-pcma the H.264 stream with G.711 A-law audio (8 kHz), what many cameras send by default
  /clip  (with "clip") an H.264 byte-stream file, read once into memory and sent in a loop at "fps" (default
         30) as a live camera would, never re-encoded: a 1080p camera costs this process next to nothing
Exits when stdin closes (the test process died or stopped it), so it can never outlive its test.
"""
import json
import sys
import threading
import time

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402

SOURCE = (
    "videotestsrc is-live=true pattern=ball ! "
    "video/x-raw,width=320,height=240,framerate=15/1 ! videoconvert ! video/x-raw,format=I420"
)
MOUNTS = {
    "/h264": SOURCE
    + " ! x264enc tune=zerolatency speed-preset=ultrafast key-int-max=15"
    + " ! video/x-h264,profile=constrained-baseline ! rtph264pay name=pay0 pt=96 config-interval=-1",
    "/h265": SOURCE
    + " ! x265enc tune=zerolatency speed-preset=ultrafast key-int-max=15"
    + " ! rtph265pay name=pay0 pt=96 config-interval=-1",
    "/mjpeg": SOURCE + " ! jpegenc quality=70 ! rtpjpegpay name=pay0 pt=26",
}
# The H.264 camera with a microphone: a 440 Hz tone as AAC (RFC 3640), as cameras with audio send it.
MOUNTS["/h264-aac"] = (
    MOUNTS["/h264"]
    + " audiotestsrc is-live=true wave=sine freq=440 ! audio/x-raw,rate=16000,channels=1"
    + " ! audioconvert ! avenc_aac ! aacparse ! rtpmp4gpay name=pay1 pt=97"
)
MOUNTS["/h264-pcma"] = (
    MOUNTS["/h264"]
    + " audiotestsrc is-live=true wave=sine freq=440 ! audio/x-raw,rate=8000,channels=1"
    + " ! audioconvert ! alawenc ! rtppcmapay name=pay1 pt=8"
)


def load_access_units(location: str) -> tuple[list[bytes], Gst.Caps]:
    """Every access unit of an H.264 byte-stream file, in order, and their caps (size, profile)."""
    pipeline = Gst.parse_launch(
        "filesrc name=file ! h264parse ! video/x-h264,stream-format=byte-stream,alignment=au"
        " ! appsink name=units sync=false"
    )
    pipeline.get_by_name("file").set_property("location", location)
    sink = pipeline.get_by_name("units")
    pipeline.set_state(Gst.State.PLAYING)
    units: list[bytes] = []
    caps = None
    while True:
        sample = sink.emit("pull-sample")  # None at the end of the file
        if sample is None:
            break
        caps = caps or sample.get_caps()
        buffer = sample.get_buffer()
        units.append(buffer.extract_dup(0, buffer.get_size()))
    pipeline.set_state(Gst.State.NULL)
    if not units or caps is None:
        raise SystemExit(f"no H.264 access units in {location}")
    return units, caps


def clip_factory(units: list[bytes], caps: Gst.Caps, fps: int) -> GstRtspServer.RTSPMediaFactory:
    """A live camera sending `units` round and round: appsrc stamps each with the running time it is pushed at."""
    factory = GstRtspServer.RTSPMediaFactory()
    factory.set_launch(
        "( appsrc name=clip is-live=true format=time do-timestamp=true"
        " ! h264parse ! rtph264pay name=pay0 pt=96 config-interval=-1 )"
    )

    def feed(source: Gst.Element, gone: threading.Event) -> None:
        # Pushes only while the media plays, from the first unit (a keyframe), on a fixed schedule so the rate
        # does not drift with the time each push takes.
        frame = sent = 0
        started = None
        while not gone.is_set():
            if source.get_state(0)[1] != Gst.State.PLAYING:
                started = None
                time.sleep(0.01)
                continue
            if started is None:
                started, sent = time.monotonic(), 0
            source.emit("push-buffer", Gst.Buffer.new_wrapped(units[frame % len(units)]))
            frame += 1
            sent += 1
            delay = started + sent / fps - time.monotonic()
            if delay > 0:
                time.sleep(delay)

    def configure(_factory: GstRtspServer.RTSPMediaFactory, media: GstRtspServer.RTSPMedia) -> None:
        source = media.get_element().get_by_name("clip")
        source.set_property("caps", caps)
        gone = threading.Event()
        media.connect("unprepared", lambda _media: gone.set())
        threading.Thread(target=feed, args=(source, gone), daemon=True).start()

    factory.connect("media-configure", configure)
    return factory


def main() -> None:
    config = json.loads(sys.stdin.readline() or "{}")
    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(str(int(config.get("port", 0))))  # a fixed port lets a test restart the camera
    role = "camera-user"

    if config.get("user"):
        auth = GstRtspServer.RTSPAuth()
        token = GstRtspServer.RTSPToken()
        token.set_string("media.factory.role", role)
        auth.add_basic(GstRtspServer.RTSPAuth.make_basic(config["user"], config["password"]), token)
        server.set_auth(auth)

    mounts = server.get_mount_points()
    factories = {}
    for path, launch in MOUNTS.items():
        factories[path] = GstRtspServer.RTSPMediaFactory()
        factories[path].set_launch("( " + launch + " )")
    if config.get("clip"):
        units, caps = load_access_units(config["clip"])
        factories["/clip"] = clip_factory(units, caps, int(config.get("fps", 30)))
    for path, factory in factories.items():
        factory.set_shared(True)
        if config.get("user"):
            perms = Gst.Structure.new_from_string(
                role + ", media.factory.access=(boolean)true, media.factory.construct=(boolean)true"
            )
            factory.add_role_from_structure(perms)
        mounts.add_factory(path, factory)

    loop = GLib.MainLoop()
    server.attach(None)
    print("PORT", server.get_bound_port(), flush=True)

    def watch_stdin() -> None:
        sys.stdin.read()
        GLib.idle_add(loop.quit)

    threading.Thread(target=watch_stdin, daemon=True).start()
    loop.run()


if __name__ == "__main__":
    main()
