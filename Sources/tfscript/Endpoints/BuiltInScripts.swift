/// The Lua that the built-in commands run (`tfscript endpoints patch web --set …` is this
/// script run as `tfscript run` would run it): one code path for scripts and commands, so a
/// command has the same validation, dry run, plan, journal, guardrails and change report.
///
/// Inputs come in `tf.vars` (strings; structured ones as JSON text), never spliced into the
/// source, so no name or value can change what the script does.
enum BuiltInScripts {
    /// `find(ref)`: the endpoint whose id is `ref`, else the one endpoint named `ref`; an error
    /// naming the candidates when several share the name, or when none matches.
    static let find = """
        local function find(ref)
          local named = {}
          for ep in tf.endpoints.each() do
            if ep.endpoint_id == ref then return ep end
            if ep.name == ref then named[#named + 1] = ep end
          end
          if #named == 1 then return named[1] end
          if #named == 0 then
            error(string.format("no endpoint has the id or name %q (tfscript endpoints list shows them)", ref), 0)
          end
          local ids = {}
          for i, ep in ipairs(named) do ids[i] = ep.endpoint_id end
          error(string.format("%d endpoints are named %q (%s): name one by its id", #named, ref, table.concat(ids, ", ")), 0)
        end

        """

    static let list = "return tf.endpoints.list(tf.json.decode(tf.vars.filter))\n"
    static let get = find + "return find(tf.vars.endpoint)\n"
    static let patch = find + "return tf.endpoints.patch(find(tf.vars.endpoint), tf.json.decode(tf.vars.fields))\n"
    static let delete = find + "return tf.endpoints.delete(find(tf.vars.endpoint))\n"
    static let create = "return tf.endpoints.create(tf.json.decode(tf.vars.spec))\n"
    static let wait = find + """
        return tf.endpoints.wait(find(tf.vars.endpoint), tf.vars.state, {timeout = tonumber(tf.vars.timeout)})

        """
    static let templates = "return tf.templates.list(tf.json.decode(tf.vars.filter))\n"
}
