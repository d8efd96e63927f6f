import Foundation
import Testing
import Yams

/// docs/hub-api.yaml is the single source of truth: every operation it lists is served by the
/// reference hub (answered by a handler with JSON or problem+json, never the router's bare 404).
@Suite struct HubSpecConformanceTests {
    @Test func everyOperationInTheSpecIsServedByTheReferenceHub() async throws {
        let text = try String(contentsOf: HubFixtures.repo.appendingPathComponent("docs/hub-api.yaml"), encoding: .utf8)
        let spec = try #require(try Yams.load(yaml: text) as? [String: Any])
        let paths = try #require(spec["paths"] as? [String: [String: Any]])
        #expect(paths.count >= 13)
        let operations: [(String, [String])] = paths.map { ($0.key, Array($0.value.keys)) }
        try await HubFixtures.withHub { _, sim in
            for (path, methods) in operations {
                let concrete = path.replacingOccurrences(of: "{subjectRef}", with: "Sunknown").replacingOccurrences(
                    of: "{id}", with: "nosuch"
                )
                .replacingOccurrences(of: "{kioskId}", with: "KIOSK-TEST-0001")
                for method in methods where ["get", "post"].contains(method) {
                    let (status, contentType) = try await sim.probe(method.uppercased(), String(concrete.dropFirst()))
                    #expect(
                        contentType.hasPrefix("application/json") || contentType.hasPrefix("application/problem+json"),
                        "\(method) \(path): \(status) \(contentType)")
                }
            }
        }
    }
}
