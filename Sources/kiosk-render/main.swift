import KioskPrint
import KioskRender

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// kiosk-render: renders one receipt or certificate for kioskd. A JSON request on
// stdin, `pdf <pages>` and the PDF on stdout (DocumentRenderChild). No logging: kioskd starts one
// per document and it exits when done. `--warm FAMILY…`: loads the fonts first, then waits for
// the request (kioskd keeps one such child ready).
exit(DocumentRenderChild.run(arguments: Array(CommandLine.arguments.dropFirst())))
