internal import Hummingbird
internal import TFScriptJSON

/// Test and operator controls under `/_simulator`, not recorded in the request log and not
/// behind the bearer token (the simulator only listens on loopback):
///
/// - `GET /_simulator/requests` — the request log, `{"requests": [...]}`
/// - `DELETE /_simulator/requests` — clear the log
/// - `GET /_simulator/faults` — active faults, `{"faults": ["GET /v0/... 503 times=1"]}`
/// - `POST /_simulator/faults` — add faults: `{"fault": "LINE"}` or `{"faults": ["LINE", ...]}`
/// - `DELETE /_simulator/faults` — remove all faults
/// - `POST /_simulator/clock` — move simulated time forward: `{"advance_seconds": 30}`
/// - `GET /_simulator/endpoints` — current endpoints, bypassing auth and faults
struct ControlRoutes {
    let state: SimulatorState

    func register(on router: Router<SimulatorContext>) {
        let control = router.group("_simulator")
        control.get("requests") { _, _ in
            let log = await state.log
            return APIReply.ok(["requests": .array(log.map(\.json))]).response()
        }
        control.delete("requests") { _, _ in
            await state.clearLog()
            return APIReply(status: 204, body: nil).response()
        }
        control.get("faults") { _, _ in
            APIReply.ok(["faults": .array(await state.faults.map { .string($0.description) })]).response()
        }
        control.post("faults") { request, _ in
            var request = request
            let buffer = try await request.collectBody(upTo: 1 << 20)
            let (body, _) = APIReply.parseBody(buffer)
            let lines = body?["faults"]?.arrayValue?.compactMap(\.stringValue) ?? body?["fault"]?.stringValue.map { [$0] }
            guard let lines, !lines.isEmpty else {
                return APIReply.error(400, "invalid_argument", "send {\"fault\": \"METHOD PATH ACTION [times=N]\"} or {\"faults\": [...]}").response()
            }
            var faults: [Fault] = []
            for line in lines {
                do {
                    faults.append(try Fault(parsing: line))
                } catch {
                    return APIReply.error(400, "invalid_argument", "\(error)").response()
                }
            }
            await state.addFaults(faults)
            return APIReply.ok(["faults": .array(await state.faults.map { .string($0.description) })], status: 201).response()
        }
        control.delete("faults") { _, _ in
            await state.setFaults([])
            return APIReply(status: 204, body: nil).response()
        }
        control.post("clock") { request, _ in
            var request = request
            let buffer = try await request.collectBody(upTo: 1 << 16)
            let (body, _) = APIReply.parseBody(buffer)
            guard let seconds = body?["advance_seconds"]?.doubleValue, seconds >= 0 else {
                return APIReply.error(400, "invalid_argument", "send {\"advance_seconds\": N} with N ≥ 0").response()
            }
            await state.advanceClock(by: seconds)
            return APIReply(status: 204, body: nil).response()
        }
        control.get("endpoints") { _, _ in
            APIReply.ok(["endpoints": .array(await state.snapshot())]).response()
        }
    }
}
