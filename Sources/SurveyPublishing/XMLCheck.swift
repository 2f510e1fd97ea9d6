import CLibXML2
import Foundation

/// A problem libxml2 found, with its line.
public struct XMLProblem: Sendable, CustomStringConvertible, Equatable {
    public let line: Int
    public let code: Int
    public let message: String
    public var description: String { "line \(line): \(message)" }
}

/// Checks with libxml2: the XML white paper against its XSD before it is written, and the HTML white paper for
/// well-formedness. FoundationXML on Linux knows DTDs only, so libxml2 is called directly.
public enum XMLCheck {
    /// Collects libxml2's structured errors; passed to C through the `void *` user pointer.
    final class Collector {
        var problems: [XMLProblem] = []
        func add(_ error: UnsafePointer<xmlError>?) {
            guard let e = error?.pointee else { return }
            let message = e.message.map { String(cString: $0).trimmingCharacters(in: .whitespacesAndNewlines) } ?? "error \(e.code)"
            problems.append(XMLProblem(line: Int(e.line), code: Int(e.code), message: message))
        }
    }

    /// Runs `body` with libxml2's global structured error handler pointed at a collector (libxml2 2.9 has no
    /// per-context handler for parse errors); one synchronous call, so nothing else sees the handler.
    static func collectingParseErrors<T>(_ collector: Collector, _ body: () -> T) -> T {
        let context = Unmanaged.passUnretained(collector).toOpaque()
        xmlSetStructuredErrorFunc(context) { user, error in
            guard let user else { return }
            Unmanaged<Collector>.fromOpaque(user).takeUnretainedValue().add(UnsafePointer(error))
        }
        defer { xmlSetStructuredErrorFunc(nil, nil) }
        return withExtendedLifetime(collector) { body() }
    }

    /// Validates `xml` against the schema `xsd`; returns every problem (empty = valid). A schema that does not
    /// parse is reported as a problem too, so nothing is written.
    public static func validate(xml: String, xsd: Data) -> [XMLProblem] {
        xmlInitParser()
        let collector = Collector()
        let context = Unmanaged.passUnretained(collector).toOpaque()
        return withExtendedLifetime(collector) { () -> [XMLProblem] in
            let schema: xmlSchemaPtr? = xsd.withUnsafeBytes { raw -> xmlSchemaPtr? in
                guard let base = raw.baseAddress?.assumingMemoryBound(to: CChar.self),
                      let parser = xmlSchemaNewMemParserCtxt(base, Int32(raw.count)) else { return nil }
                defer { xmlSchemaFreeParserCtxt(parser) }
                xmlSchemaSetParserStructuredErrors(parser, { user, error in
                    guard let user else { return }
                    Unmanaged<Collector>.fromOpaque(user).takeUnretainedValue().add(UnsafePointer(error))
                }, context)
                return collectingParseErrors(collector) { xmlSchemaParse(parser) }
            }
            guard let schema else {
                return collector.problems.isEmpty ? [XMLProblem(line: 0, code: 0, message: "the XSD could not be read")]
                                                  : collector.problems.map { XMLProblem(line: $0.line, code: $0.code, message: "XSD: \($0.message)") }
            }
            defer { xmlSchemaFree(schema) }
            let bytes = Array(xml.utf8)
            let doc = collectingParseErrors(collector) {
                bytes.withUnsafeBufferPointer { b in
                    b.baseAddress!.withMemoryRebound(to: CChar.self, capacity: b.count) {
                        xmlReadMemory($0, Int32(b.count), "whitepaper.xml", "UTF-8", Int32(XML_PARSE_NONET.rawValue))
                    }
                }
            }
            guard let doc else { return collector.problems.isEmpty ? [XMLProblem(line: 0, code: 0, message: "not well-formed XML")] : collector.problems }
            defer { xmlFreeDoc(doc) }
            guard let valid = xmlSchemaNewValidCtxt(schema) else { return [XMLProblem(line: 0, code: 0, message: "libxml2: no validation context")] }
            defer { xmlSchemaFreeValidCtxt(valid) }
            xmlSchemaSetValidStructuredErrors(valid, { user, error in
                guard let user else { return }
                Unmanaged<Collector>.fromOpaque(user).takeUnretainedValue().add(UnsafePointer(error))
            }, context)
            let result = xmlSchemaValidateDoc(valid, doc)
            if result != 0 && collector.problems.isEmpty {
                return [XMLProblem(line: 0, code: Int(result), message: "not valid against the XSD")]
            }
            return collector.problems
        }
    }

    /// libxml2's HTML parser reads HTML 4 and reports HTML5 elements (`section`, `figure`, `svg` …) as unknown
    /// tags (code 801); everything else it reports — a mismatched or unclosed tag, a bad entity — is a problem.
    public static func checkHTML(_ html: String) -> [XMLProblem] {
        xmlInitParser()
        let collector = Collector()
        let bytes = Array(html.utf8)
        let doc = collectingParseErrors(collector) {
            bytes.withUnsafeBufferPointer { b in
                b.baseAddress!.withMemoryRebound(to: CChar.self, capacity: b.count) {
                    htmlReadMemory($0, Int32(b.count), "whitepaper.html", "UTF-8", Int32(HTML_PARSE_NONET.rawValue))
                }
            }
        }
        if let doc { xmlFreeDoc(doc) }
        return collector.problems.filter { $0.code != unknownTag }
    }

    /// XML_HTML_UNKNOWN_TAG.
    static let unknownTag = 801
}
