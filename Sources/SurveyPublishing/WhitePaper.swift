import Foundation
import SurveyCore
import SurveyStatistics

/// The annual white paper: rendered from the templates as HTML and XML, the XML checked against the XSD.
public enum WhitePaper {
    /// The two rendered files, not yet written.
    public struct Output: Sendable {
        public let html: String
        public let xml: String
        public let view: WhitePaperView
        /// Unsafe characters (SafeText) that reached the rendering from the archive and were replaced by U+FFFD:
        /// the checker rejects them today, but an archive may hold text stored before it did.
        public var replaced: Int = 0
        /// The full directory (CSV, UTF-8 with BOM) when the paper lists too many agencies to print their names:
        /// written beside the paper as `ReportContext.directoryFile`.
        public var directory: DirectoryFile? = nil
    }

    /// The rendered XML is not valid against `whitepaper.xsd`: nothing may be written.
    public struct SchemaFailure: Error, Sendable {
        public let problems: [XMLProblem]
    }

    /// The template of the HTML white paper for a language: `whitepaper.html` (Chinese) or `en/whitepaper.html`.
    public static func htmlTemplate(_ language: Language) -> String { language == .zh ? "whitepaper.html" : "en/whitepaper.html" }
    public static let xmlTemplate = "whitepaper.xml"
    public static let schemaFile = "whitepaper.xsd"

    /// Builds the view model, lints and renders both templates, and validates the XML against the XSD of the
    /// same templates folder. Throws `TemplateProblem`, `TemplateLintFailure` or `SchemaFailure`.
    public static func render(_ report: AnnualReport, context: ReportContext, templates: TemplateSet) throws -> Output {
        var builder = WhitePaperBuilder(report: report, context: context)
        let view = builder.build()
        let (html, xml, replaced) = try templates.publish(html: htmlTemplate(context.language), xml: xmlTemplate, schema: schemaFile, model: view)
        return Output(html: html, xml: xml, view: view, replaced: replaced, directory: builder.directoryFile())
    }
}

extension TemplateSet {
    /// Renders a published output's HTML and XML templates, makes both safe to publish, and checks the XML against
    /// `schema` of the same folder. Throws `TemplateProblem`, `TemplateLintFailure` or `WhitePaper.SchemaFailure`.
    func publish<Model: Decodable>(html: String, xml: String, schema: String, model: Model) throws -> (html: String, xml: String, replaced: Int) {
        // One sanitising step for every text that came from a file: XML 1.0 cannot hold a control character
        // even escaped, and one agency's name must never block the publication (SafeText's rule).
        let (htmlText, replacedInHTML) = SafeText.publishable(try render(html, model: model))
        let (xmlText, replacedInXML) = SafeText.publishable(try render(xml, model: model))
        guard let xsd = file(schema) else {
            throw TemplateProblem(template: schema, line: 0, message: "schema not found in \(directory)")
        }
        let problems = XMLCheck.validate(xml: xmlText, xsd: xsd)
        if !problems.isEmpty { throw WhitePaper.SchemaFailure(problems: problems) }
        return (htmlText, xmlText, max(replacedInHTML, replacedInXML))
    }
}
