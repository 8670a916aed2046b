package import TFScriptJSON
package import TokenFactory

/// One change a script can make to endpoints (`create`, `patch`, `delete`, …), declared in one
/// place: how it is sent, what it takes, how a dry run simulates it, how a plan shows it, and
/// how `apply` and its resume check it. Everything else (the `tf.endpoints` functions, the
/// recorder, the guardrails, the journal, the plan file, the renderer, the applier) reads the
/// declaration, so adding an operation is one new declaration plus its entry in ``builtIn``.
///
/// The few rules that differ by what an operation does to its target switch over ``Effect``,
/// exhaustively; the rest are the declaration's own values and closures.
///
/// An operation is its ``name``: two values with one name are the same operation (the plan
/// file, the journal and scripts know it by that name).
public struct EndpointOperation: Sendable, Hashable, CustomStringConvertible {
    /// What an operation does to the endpoint it targets.
    public enum Effect: Sendable, Hashable {
        /// Makes a new endpoint (no target; the answer names it). Plans count it "to create".
        case create
        /// Changes writable fields of an existing endpoint. Plans count it "to change".
        case modify
        /// Removes an existing endpoint. Plans count it "to delete".
        case delete
        /// Acts on an existing endpoint without changing its writable fields (a restart).
        /// Plans count it under its own name ("1 to restart").
        case action
    }

    /// The operation's name: the Lua function `tf.endpoints.<name>`, a plan operation's `kind`
    /// and a journal line's `operation`.
    public let name: String
    public let effect: Effect
    /// The verb once done, for reports: `patched`.
    public let done: String
    /// How it is sent.
    package let request: EndpointRequest
    /// The Lua argument holding its body (`spec`, `fields`), after the endpoint id when the
    /// operation has a target; nil when it takes none.
    package let bodyArgument: String?
    /// Checks a body and returns it as sent (validation happens before anything is sent or
    /// recorded, and again on every body of a plan file before apply).
    package let validate: @Sendable (JSONValue) throws(TokenFactoryError) -> JSONValue
    /// A create's body is checked against the template catalogue before it is sent.
    package let checkedAgainstCatalogue: Bool
    /// Why the API would refuse `body` on an endpoint whose fields are `current` (the endpoint
    /// as the plan's earlier operations leave it), with the catalogue when ``needsCatalogue``
    /// says so: checked by a dry run and, on a saved plan, by apply before sending anything.
    package let refusal: @Sendable (_ body: JSONValue, _ current: [String: JSONValue], _ offers: TemplateOffers?) -> EndpointRefusal?
    package let needsCatalogue: @Sendable (_ body: JSONValue) -> Bool
    /// The endpoint as the API will have it after the operation, from the endpoint before and
    /// the body (the dry run's answer, a plan's `after`, resume's check). Ignored for deletes.
    package let outcome: @Sendable (_ before: JSONValue?, _ body: JSONValue?) -> JSONValue
    /// What `--protect` forbids this operation to do to a protected endpoint (`delete it`),
    /// nil when it is allowed.
    package let forbiddenWhenProtected: @Sendable (_ body: JSONValue?) -> String?

    package init(
        name: String, effect: Effect, done: String, request: EndpointRequest,
        bodyArgument: String? = nil,
        validate: @escaping @Sendable (JSONValue) throws(TokenFactoryError) -> JSONValue = { $0 },
        checkedAgainstCatalogue: Bool = false,
        refusal: @escaping @Sendable (_ body: JSONValue, _ current: [String: JSONValue], _ offers: TemplateOffers?) -> EndpointRefusal? = { _, _, _ in nil },
        needsCatalogue: @escaping @Sendable (_ body: JSONValue) -> Bool = { _ in false },
        outcome: (@Sendable (_ before: JSONValue?, _ body: JSONValue?) -> JSONValue)? = nil,
        forbiddenWhenProtected: @escaping @Sendable (_ body: JSONValue?) -> String? = { _ in nil }
    ) {
        self.name = name
        self.effect = effect
        self.done = done
        self.request = request
        self.bodyArgument = bodyArgument
        self.validate = validate
        self.checkedAgainstCatalogue = checkedAgainstCatalogue
        self.refusal = refusal
        self.needsCatalogue = needsCatalogue
        self.outcome = outcome ?? { before, _ in before ?? .null }
        self.forbiddenWhenProtected = forbiddenWhenProtected
    }

    /// The operations every engine offers, in the order plans count them.
    public static let builtIn: [EndpointOperation] = [.create, .patch, .delete]

    /// The name, as plans and journals write it.
    public var rawValue: String { name }
    public var description: String { name }
    /// Whether it acts on an existing endpoint (all but a create).
    public var hasTarget: Bool { effect != .create }
    /// `tf.endpoints.patch`, as errors name the function.
    public var luaFunction: String { "tf.endpoints.\(name)" }

    /// The one of `operations` called `name`.
    package static func named(_ name: String, in operations: [EndpointOperation]) -> EndpointOperation? {
        operations.first { $0.name == name }
    }

    public static func == (lhs: EndpointOperation, rhs: EndpointOperation) -> Bool { lhs.name == rhs.name }
    public func hash(into hasher: inout Hasher) { hasher.combine(name) }
}
