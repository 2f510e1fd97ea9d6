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
    ],
    targets: [
        // Reading and Checking: the survey form as data, value types, CSV reader, rules.
        .target(name: "SurveyCore"),
        // The command line: one file per subcommand; the only place that prints.
        .executableTarget(
            name: "ipsurvey",
            dependencies: [
                "SurveyCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(name: "SurveyCoreTests", dependencies: ["SurveyCore"]),
        .testTarget(name: "EndToEndTests", dependencies: ["SurveyCore"]),
    ]
)
