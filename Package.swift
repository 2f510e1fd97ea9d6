// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "ipsurvey",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "ipsurvey", targets: ["ipsurvey"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", "3.0.0"..<"4.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/JohnSundell/Ink", from: "0.6.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        // Reading and Checking: the survey form as data, value types, CSV reader, rules.
        .target(
            name: "SurveyCore", dependencies: ["CIntrinsics", "CUTF8"],
            // The row checker's and record checker's state is class properties touched on every cell: their
            // run-time exclusivity checks were 4.3 % of validating a 1M-row file (swift_beginAccess and
            // AccessSet::insert, measured with perf). A checker is used by one thread at a time.
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"])]
        ),
        // Inline C functions for what Swift cannot express (see CIntrinsics.h): a cache prefetch hint, and the masks
        // of bytes of interest that the CSV reader and the unsafe-character search take 16 bytes at a time (SSE2).
        .target(name: "CIntrinsics"),
        // One C function over Debian's libsimdjson-dev: UTF-8 validation with SIMD (see CUTF8.h).
        .target(name: "CUTF8", linkerSettings: [.linkedLibrary("simdjson")]),
        // Excel workbooks: reading .xlsx returns into the same records as CSV (ZIPFoundation for the container,
        // libxml2's SAX parser for the sheet), and writing the blank form and the feedback workbook.
        .target(
            name: "SurveyWorkbook",
            dependencies: ["SurveyCore", "CLibXML2", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
            // The SAX reader's state is a class's stored properties, touched on every event: their run-time
            // exclusivity checks were a fifth of reading a 100,000-row sheet (swift_beginAccess 12.6 %, measured
            // with perf). Every access is on the one thread that reads the part, inside one callback.
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"])]
        ),
        // The archive: every file byte for byte, every row accepted or rejected, history and as-of. SQL stays here.
        .target(
            name: "SurveyArchive",
            dependencies: [
                "SurveyCore",
                "SurveyWorkbook",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                "CZstd",
            ]
        ),
        // Zstandard (Debian's libzstd-dev): a stored file's bytes compressed in the archive (see StoredBytes).
        .systemLibrary(name: "CZstd", providers: [.apt(["libzstd-dev"])]),
        // Statistics: the indicator catalogue, aggregation, growth, targets, disclosure control. Fed returns; no SQL.
        .target(name: "SurveyStatistics", dependencies: ["SurveyCore"]),
        // GLPK, the linear programming solver of the disclosure audit (Debian's libglpk-dev has no pkg-config file).
        .systemLibrary(name: "CGLPK", providers: [.apt(["libglpk-dev"])]),
        // The attacker's view of a release: intervals of hidden cells by linear programming.
        .target(name: "SurveyAudit", dependencies: ["SurveyStatistics", "CGLPK"]),
        // libxml2 (XSD validation of the XML white paper, well-formedness of the HTML); see shim.h for the ICU fix.
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        // Publishing: view models of pre-formatted figures, Mustache templates, SVG charts, the XML schema check.
        .target(
            name: "SurveyPublishing",
            dependencies: [
                "SurveyCore",
                "SurveyStatistics",
                "CLibXML2",
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Ink", package: "Ink"),
            ]
        ),
        // The pipelines a command runs (releases, audit …), returning values; never printing.
        .target(
            name: "SurveyWorkflow",
            dependencies: [
                "SurveyCore", "SurveyWorkbook", "SurveyArchive", "SurveyStatistics", "SurveyAudit", "SurveyPublishing",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The command line: one file per subcommand; the only place that prints.
        .executableTarget(
            name: "ipsurvey",
            dependencies: [
                "SurveyCore",
                "SurveyWorkbook",
                "SurveyArchive",
                "SurveyStatistics",
                "SurveyPublishing",
                "SurveyWorkflow",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(name: "SurveyCoreTests", dependencies: ["SurveyCore"]),
        .testTarget(
            name: "SurveyWorkbookTests",
            dependencies: ["SurveyWorkbook", "SurveyCore", .product(name: "ZIPFoundation", package: "ZIPFoundation")]
        ),
        .testTarget(name: "SurveyArchiveTests", dependencies: ["SurveyArchive", "SurveyCore", "SurveyWorkbook"]),
        .testTarget(name: "SurveyStatisticsTests", dependencies: ["SurveyStatistics", "SurveyCore", "SurveyAudit"]),
        .testTarget(name: "SurveyPublishingTests", dependencies: ["SurveyPublishing", "SurveyStatistics", "SurveyCore"]),
        .testTarget(name: "EndToEndTests", dependencies: ["SurveyCore", "SurveyWorkbook", "SurveyPublishing"]),
    ],
    cxxLanguageStandard: .cxx17
)
