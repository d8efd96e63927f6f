// kiosk-camera: captures face frames for kioskd through a GStreamer pipeline, in a process of its
// own so that kioskd never loads GStreamer (its plugins, their threads, a camera driver that
// hangs). It lives from the citizen's consent until the frames are taken.
//
//   kiosk-camera --pipeline DESCRIPTION [--frames N] [--timeout SECONDS]
//
// DESCRIPTION ends where JPEG frames come out (e.g. `v4l2src device=/dev/video0 ! videoconvert !
// jpegenc`); an appsink is added after it. Each frame goes to stdout as a 4-byte big-endian length
// and the JPEG bytes; nothing is written anywhere else, and each copy held here is zeroed once
// written. Exit status: 0 the frames were written; 2 bad arguments; 3 the description does not
// parse; 4 the pipeline failed (no camera, an element's error: GStreamer's message on stderr);
// 5 no frame in time, or the source ended before the frames were taken; 6 a frame is not a JPEG.
import CGStreamer

#if canImport(Glibc)
    import Glibc
#endif

func fail(_ status: Int32, _ message: String) -> Never {
    let bytes = Array("kiosk-camera: \(message)\n".utf8)
    _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    exit(status)
}

var description = ""
var frames = 3
var timeoutSeconds = 5.0
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "--pipeline": description = arguments.popFirst() ?? ""
    case "--frames": frames = Int(arguments.popFirst() ?? "") ?? 0
    case "--timeout": timeoutSeconds = Double(arguments.popFirst() ?? "") ?? 0
    default: fail(2, "unknown argument '\(argument)'; usage: kiosk-camera --pipeline DESCRIPTION [--frames N] [--timeout SECONDS]")
    }
}
guard !description.isEmpty, (1...30).contains(frames), timeoutSeconds > 0 else {
    fail(2, "usage: kiosk-camera --pipeline DESCRIPTION [--frames 1-30] [--timeout SECONDS]")
}

gst_init(nil, nil)
var parseError: UnsafeMutablePointer<GError>?
let launched = gst_parse_launch("\(description) ! appsink name=kiosk_camera_sink sync=false max-buffers=\(frames) drop=false", &parseError)
if let parseError {
    fail(3, "the pipeline does not parse: \(String(cString: parseError.pointee.message))")
}
guard let pipeline = launched, let sink = kiosk_camera_app_sink(pipeline, "kiosk_camera_sink") else {
    fail(3, "the pipeline does not parse")
}
let bus = gst_element_get_bus(pipeline)

/// The first error the pipeline posted, in GStreamer's words.
@MainActor func pipelineError() -> String? {
    guard let message = gst_bus_pop_filtered(bus, GST_MESSAGE_ERROR) else { return nil }
    defer { gst_message_unref(message) }
    var error: UnsafeMutablePointer<GError>?
    var debug: UnsafeMutablePointer<gchar>?
    gst_message_parse_error(message, &error, &debug)
    defer {
        g_error_free(error)
        g_free(debug)
    }
    return error.map { String(cString: $0.pointee.message) } ?? "unknown error"
}

@MainActor func stop() {
    gst_element_set_state(pipeline, GST_STATE_NULL)
    kiosk_camera_unref(bus)
    kiosk_camera_unref(sink)
    kiosk_camera_unref(pipeline)
}

if gst_element_set_state(pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE {
    let why = pipelineError() ?? "it did not start"
    stop()
    fail(4, "the camera pipeline failed: \(why)")
}

let timeout = GstClockTime(timeoutSeconds * 1_000_000_000)
for taken in 0..<frames {
    guard let sample = gst_app_sink_try_pull_sample(sink, timeout) else {
        if let why = pipelineError() {
            stop()
            fail(4, "the camera pipeline failed: \(why)")
        }
        let ended = gst_app_sink_is_eos(sink) != 0
        stop()
        fail(5, ended ? "the camera stopped after \(taken) of \(frames) frames" : "no frame from the camera within \(timeoutSeconds) s")
    }
    var frame: [UInt8] = []
    if let buffer = gst_sample_get_buffer(sample) {
        var map = GstMapInfo()
        if gst_buffer_map(buffer, &map, GST_MAP_READ) != 0 {
            frame = Array(UnsafeBufferPointer(start: map.data, count: Int(map.size)))
            gst_buffer_unmap(buffer, &map)
        }
    }
    gst_sample_unref(sample)
    // A JPEG starts with SOI (FF D8) and ends with EOI (FF D9).
    guard frame.count > 4, frame[0] == 0xFF, frame[1] == 0xD8, frame[frame.count - 2] == 0xFF, frame[frame.count - 1] == 0xD9 else {
        for i in frame.indices { frame[i] = 0 }
        stop()
        fail(6, "frame \(taken + 1) is not a JPEG (\(frame.count) bytes): the pipeline must end in jpegenc")
    }
    let length = UInt32(frame.count)
    var record = [UInt8(length >> 24), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)] + frame
    var written = 0
    while written < record.count {
        let n = record.withUnsafeBytes { write(1, $0.baseAddress! + written, $0.count - written) }
        if n <= 0 {
            if n < 0 && errno == EINTR { continue }
            stop()
            fail(4, "kioskd stopped reading the frames")
        }
        written += n
    }
    for i in frame.indices { frame[i] = 0 }
    for i in record.indices { record[i] = 0 }
}
stop()
exit(0)
