import Foundation
import Mustache

/// The templates of a folder (`--templates DIR`): every `*.mustache` file, named by its path without the
/// extension (`whitepaper.html`, `en/whitepaper.html`, `partials/style`), parsed, and linted before rendering.
public struct TemplateSet: Sendable {
    public let directory: String
    /// Template name → its text.
    public let texts: [String: String]
    /// Every file of the folder (templates, the XSD), relative path → bytes: what the provenance hashes.
    public let files: [(path: String, bytes: Data)]
    let library: MustacheLibrary

    /// Reads and parses every template; a syntax error is a `TemplateProblem` with the template and line.
    public init(directory: String) throws {
        self.directory = directory
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue,
              let paths = fm.subpaths(atPath: directory) else {
            throw TemplateProblem(template: directory, line: 0, message: "templates folder not found")
        }
        var texts: [String: String] = [:]
        var files: [(String, Data)] = []
        var templates: [String: MustacheTemplate] = [:]
        for path in paths.sorted() {
            let full = (directory as NSString).appendingPathComponent(path)
            guard fm.fileExists(atPath: full, isDirectory: &isDirectory) else { continue }
            if isDirectory.boolValue || path.hasPrefix(".") || path.contains("/.") { continue }
            guard let bytes = fm.contents(atPath: full) else { continue }
            files.append((path, bytes))
            guard path.hasSuffix(".mustache") else { continue }
            guard let text = String(data: bytes, encoding: .utf8) else {
                throw TemplateProblem(template: path, line: 0, message: "not UTF-8")
            }
            let name = String(path.dropLast(".mustache".count))
            do {
                templates[name] = try MustacheTemplate(string: text)
            } catch let e as MustacheTemplate.ParserError {
                throw TemplateProblem(template: path, line: e.context.lineNumber, message: "template syntax: \(e.error) near “\(e.context.line)”")
            }
            texts[name] = text
        }
        self.texts = texts
        self.files = files
        self.library = MustacheLibrary(templates: templates)
    }

    /// The text of another file of the folder (the XSD).
    public func file(_ path: String) -> Data? { files.first { $0.path == path }?.bytes }

    /// Lints `name` against the shape of `Model` (every list with one element, so fields inside lists that are
    /// empty this year are checked too), then renders `model`.
    public func render<Model: Decodable>(_ name: String, model: Model) throws -> String {
        guard texts[name] != nil else {
            throw TemplateProblem(template: name + ".mustache", line: 0, message: "template not found in \(directory)")
        }
        let problems = TemplateLint.lint(name, templates: texts, model: Skeleton.make(Model.self))
        if !problems.isEmpty { throw TemplateLintFailure(problems: problems.map { p in
            TemplateProblem(template: p.template + ".mustache", line: p.line, message: p.message)
        }) }
        return library.render(model, withTemplate: name) ?? ""
    }
}

/// Every problem the lint found in a template and its partials.
public struct TemplateLintFailure: Error, Sendable, CustomStringConvertible {
    public let problems: [TemplateProblem]
    public var description: String { problems.map(\.description).joined(separator: "\n") }
}

extension Markup: MustacheCustomRenderable {
    public var renderText: String { html }
    public var isNull: Bool { false }
}

/// The directory can list tens of thousands of agencies, and Mustache's `Mirror` lookup costs about 20 µs a
/// field (measured: 1.3 s of a 100,000-return report). A direct lookup for this one type removes that; a test
/// checks it answers exactly what `Mirror` sees.
extension AgencyView: MustacheParent {
    public func child(named field: String) -> Any? {
        switch field {
        case "zone": zone
        case "brandID": brandID
        case "name": name
        case "hasBrand": hasBrand
        case "brand": brand
        case "hasGrade": hasGrade
        case "gradeID": gradeID
        case "grade": grade
        default: nil
        }
    }
}
