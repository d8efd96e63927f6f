#include <gst/gst.h>
#include <gst/app/gstappsink.h>

// GStreamer's casts are macros Swift cannot import.
static inline GstAppSink *kiosk_camera_app_sink(GstElement *pipeline, const char *name) {
    GstElement *element = gst_bin_get_by_name(GST_BIN(pipeline), name);
    return element ? GST_APP_SINK(element) : NULL;
}

static inline void kiosk_camera_unref(gpointer object) {
    if (object) gst_object_unref(object);
}
