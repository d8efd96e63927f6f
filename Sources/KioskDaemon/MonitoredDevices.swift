import KioskCore

/// The renderer as the device monitor sees it: a render that fails (the child crashed, a font
/// or template it cannot use) is the renderer's fault until one succeeds, so the centre hears
/// of a kiosk that can no longer make paper before citizens line up at the counter.
struct MonitoredRenderer: DocumentRendering {
    let inner: any DocumentRendering
    let monitor: DeviceMonitor

    func receipt(_ content: ReceiptContent) async throws -> RenderedDocument {
        try await noted { try await inner.receipt(content) }
    }

    func certificate(_ content: CertificateContent) async throws -> RenderedDocument {
        try await noted { try await inner.certificate(content) }
    }

    private func noted(_ render: () async throws -> RenderedDocument) async throws -> RenderedDocument {
        do {
            let document = try await render()
            await monitor.noteUse(.renderer, failed: nil)
            return document
        } catch {
            // A render given up because its citizen left says nothing about the renderer, nor
            // does a document it refused for its content (the hub's text, not the renderer).
            let content = (error as? KioskError)?.code == .invalidInput
            if !(error is CancellationError) && !Task.isCancelled && !content { await monitor.noteUse(.renderer, failed: "render-failed") }
            throw error
        }
    }
}

/// The camera as the device monitor sees it: a capture that fails (the pipeline cannot start,
/// no frame comes) is the camera's fault until one succeeds or the camera is unplugged.
struct MonitoredCamera: FaceCamera {
    let inner: any FaceCamera
    let monitor: DeviceMonitor

    func capture(count: Int) async throws -> [FaceFrame] {
        do {
            let frames = try await inner.capture(count: count)
            await monitor.noteUse(.camera, failed: nil)
            return frames
        } catch {
            if !(error is CancellationError) && !Task.isCancelled { await monitor.noteUse(.camera, failed: "capture-failed") }
            throw error
        }
    }
}
