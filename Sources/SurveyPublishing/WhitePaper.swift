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
        // One sanitising step for every text that came from a file: XML 1.0 cannot hold a control character
        // even escaped, and one agency's name must never block the publication (SafeText's rule).
        let (html, replacedInHTML) = SafeText.publishable(try templates.render(htmlTemplate(context.language), model: view))
        let (xml, replacedInXML) = SafeText.publishable(try templates.render(xmlTemplate, model: view))
        guard let xsd = templates.file(schemaFile) else {
            throw TemplateProblem(template: schemaFile, line: 0, message: "schema not found in \(templates.directory)")
        }
        let problems = XMLCheck.validate(xml: xml, xsd: xsd)
        if !problems.isEmpty { throw SchemaFailure(problems: problems) }
        return Output(html: html, xml: xml, view: view, replaced: max(replacedInHTML, replacedInXML))
    }
}
