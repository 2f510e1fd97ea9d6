import CLibXML2

/// What a SAX reader of one part of a workbook does with its events. Names and values are the bytes libxml2
/// hands over, valid only during the call.
protocol XMLEvents: AnyObject {
    func start(_ name: UnsafePointer<UInt8>, _ attributes: XMLAttributes)
    func end(_ name: UnsafePointer<UInt8>)
    func text(_ bytes: UnsafeBufferPointer<UInt8>)
}

/// The attributes of an element as libxml2's SAX2 hands them over: five pointers each (local name, prefix,
/// URI, value start, value end).
struct XMLAttributes {
    let count: Int
    let raw: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?

    /// The value of the attribute with this local name (any prefix), if present.
    func value(_ name: StaticString) -> UnsafeBufferPointer<UInt8>? {
        guard let raw else { return nil }
        for i in 0..<count {
            guard let local = raw[5 * i], XMLName.equal(local, name), let start = raw[5 * i + 3], let end = raw[5 * i + 4] else { continue }
            return UnsafeBufferPointer(start: start, count: end - start)
        }
        return nil
    }

    func string(_ name: StaticString) -> String? { value(name).map { String(decoding: $0, as: UTF8.self) } }
}

enum XMLName {
    /// Compares a NUL-terminated name with a static one, byte by byte.
    @inline(__always)
    static func equal(_ a: UnsafePointer<UInt8>, _ b: StaticString) -> Bool {
        let p = b.utf8Start, n = b.utf8CodeUnitCount
        for i in 0..<n where a[i] != p[i] { return false }
        return a[n] == 0
    }
}

/// libxml2's SAX2 push parser, fed the bytes of one part as they are unpacked, so a sheet of any size never sits
/// in memory as a tree. This is the one file of the room that holds libxml2's pointers.
///
/// No DTD is loaded and no entity is declared (the handler has no such callbacks), so an entity in a part is an
/// error, not an expansion: a "billion laughs" part fails at its first reference.
final class XMLStream {
    private final class Box {
        // Not counted: the reader is the caller's and outlives the stream (`unowned` cost a check, a strong
        // reference a retain and a release, on every event).
        unowned(unsafe) let events: any XMLEvents
        var error: String? = nil
        init(_ events: any XMLEvents) { self.events = events }
    }

    private let box: Box
    private var context: xmlParserCtxtPtr?
    private var handler = xmlSAXHandler()
    private let part: String

    /// libxml2's global set-up, once per process before any thread parses (2.9's xmlInitParser is not safe to race).
    private static let initialised: Bool = { xmlInitParser(); return true }()

    init(_ events: any XMLEvents, part: String) {
        _ = XMLStream.initialised
        box = Box(events)
        self.part = part
        handler.initialized = UInt32(XML_SAX2_MAGIC)
        handler.startElementNs = { ctx, localname, _, _, _, _, count, _, attributes in
            guard let ctx, let localname else { return }
            Unmanaged<Box>.fromOpaque(ctx)._withUnsafeGuaranteedRef { $0.events.start(localname, XMLAttributes(count: Int(count), raw: attributes)) }
        }
        handler.endElementNs = { ctx, localname, _, _ in
            guard let ctx, let localname else { return }
            Unmanaged<Box>.fromOpaque(ctx)._withUnsafeGuaranteedRef { $0.events.end(localname) }
        }
        handler.characters = { ctx, bytes, length in
            guard let ctx, let bytes, length > 0 else { return }
            Unmanaged<Box>.fromOpaque(ctx)._withUnsafeGuaranteedRef { $0.events.text(UnsafeBufferPointer(start: bytes, count: Int(length))) }
        }
        handler.serror = { ctx, error in
            guard let ctx, let error else { return }
            let box = Unmanaged<Box>.fromOpaque(ctx).takeUnretainedValue()
            guard box.error == nil else { return }
            let message = error.pointee.message.map { String(cString: $0) }?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "?"
            box.error = "line \(error.pointee.line): \(message)"
        }
        let user = Unmanaged.passUnretained(box).toOpaque()
        context = xmlCreatePushParserCtxt(&handler, user, nil, 0, part)
        if let context {
            xmlCtxtUseOptions(context, Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOBLANKS.rawValue))
        }
    }

    deinit { if let context { xmlFreeParserCtxt(context) } }

    /// Feeds the next bytes; throws the first well-formedness error.
    func feed(_ bytes: UnsafeRawBufferPointer) throws {
        guard let context else { throw WorkbookProblem.damaged("\(part): libxml2 has no parser") }
        var offset = 0
        // xmlParseChunk takes an Int32 length.
        while offset < bytes.count {
            let n = min(bytes.count - offset, 1 << 24)
            let base = bytes.baseAddress!.advanced(by: offset).assumingMemoryBound(to: CChar.self)
            let rc = withExtendedLifetime(box) { xmlParseChunk(context, base, Int32(n), 0) }
            if rc != 0 || box.error != nil { throw WorkbookProblem.damaged("\(part): \(box.error ?? "XML error \(rc)")") }
            offset += n
        }
    }

    /// Ends the part; throws when it is not well-formed (cut short, unclosed element).
    func finish() throws {
        guard let context else { throw WorkbookProblem.damaged("\(part): libxml2 has no parser") }
        let rc = withExtendedLifetime(box) { xmlParseChunk(context, nil, 0, 1) }
        if rc != 0 || box.error != nil { throw WorkbookProblem.damaged("\(part): \(box.error ?? "XML error \(rc)")") }
    }
}

import Foundation
