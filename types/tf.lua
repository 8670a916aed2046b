---@meta tf
-- lua-language-server definitions for tfscript's `tf` module.
-- Add this folder to "workspace.library" in .luarc.json so editors complete and check tf.*.

---@class tf.Scaling
---@field min_replicas integer
---@field max_replicas integer

---@class tf.Endpoint
---@field endpoint_id string
---@field name string
---@field description? string
---@field model_name string
---@field flavor_name string
---@field gpu_type string
---@field gpu_count integer
---@field region "eu-north1"|"eu-west1"|"us-central1"
---@field scaling tf.Scaling
---@field enabled boolean
---@field state string normalized state: starting, running, updating, stopping, stopped, error, ...
---@field routing_key? string
---@field [string] any fields the API sent that tfscript does not know

---@class tf.EndpointSpec
---@field name string
---@field description? string
---@field model_name string
---@field flavor_name string
---@field gpu_type string
---@field gpu_count? integer
---@field region? "eu-north1"|"eu-west1"|"us-central1"
---@field scaling? tf.Scaling
---@field enabled? boolean

---@class tf.EndpointPatch
---@field name? string
---@field description? string
---@field model_name? string
---@field flavor_name? string
---@field gpu_type? string
---@field gpu_count? integer
---@field scaling? { min_replicas?: integer, max_replicas?: integer }
---@field enabled? boolean

---@class tf.EndpointFilter
---@field name? string glob: `*` any run, `?` one character; matches the whole name
---@field region? string
---@field state? string
---@field enabled? boolean

---@class tf.WaitOptions
---@field timeout? number seconds (default 600)
---@field interval? number longest pause between polls, seconds (default 5)

---@class tf.Error
---@field kind "api"|"transport"|"validation"|"timeout"
---@field status? integer HTTP status of an api error
---@field message string
---@field method? string
---@field path? string
---@field retryable boolean
---@field where? string script position of the failing call

---@class tf.Template
---@field template_id string
---@field model_name string
---@field flavor_name string
---@field gpu_type string
---@field gpu_count integer
---@field regions string[]
---@field price_per_hour? { amount: number, currency: string }
---@field [string] any

---@class tf.TemplateFilter
---@field model_name? string
---@field flavor_name? string
---@field gpu_type? string
---@field region? string templates offered in this region

---An endpoint id, or an endpoint table (anything with endpoint_id or id).
---@alias tf.EndpointRef string|tf.Endpoint|{ endpoint_id: string }|{ id: string }

---@class tf.ParallelOptions
---@field concurrency? integer workers (and so requests) at once, 1 to 64 (default 8)
---@field fail_fast? boolean re-raise the first error instead of collecting it (default false)

---@class tf.ParallelResult
---@field ok boolean whether fn returned (true) or raised (false)
---@field value? any fn's first return value when ok
---@field err? any the error fn raised (a string, or a tf.Error table) when not ok

---@class tf.endpoints
tf_endpoints = {}

---List endpoints, following pagination; `filter` keeps those matching every key.
---@param filter? tf.EndpointFilter
---@return tf.Endpoint[]
function tf_endpoints.list(filter) end

---Iterate over endpoints page by page (one page in memory at a time); same filter and fields as `list`.
---@param filter? tf.EndpointFilter
---@return fun(): tf.Endpoint?
function tf_endpoints.each(filter) end

---@param id tf.EndpointRef
---@return tf.Endpoint
function tf_endpoints.get(id) end

---Create an endpoint. The spec is checked against the template catalogue before sending.
---@param spec tf.EndpointSpec
---@return tf.Endpoint
function tf_endpoints.create(spec) end

---Change only the given fields (region cannot change).
---@param id tf.EndpointRef
---@param fields tf.EndpointPatch
---@return tf.Endpoint
function tf_endpoints.patch(id, fields) end

---Delete permanently.
---@param id tf.EndpointRef
---@return true
function tf_endpoints.delete(id) end

---Poll until the endpoint is in `state` ("deleted" waits until it is gone).
---@param id tf.EndpointRef
---@param state string
---@param options? tf.WaitOptions
---@return tf.Endpoint|true
function tf_endpoints.wait(id, state, options) end

---@class tf.templates
tf_templates = {}

---The template catalogue (read once per run), filtered by every given key.
---@param filter? tf.TemplateFilter
---@return tf.Template[]
function tf_templates.list(filter) end

---A create spec from a catalogue entry (or its template_id): model, flavor, GPU type and
---count (and region when it is offered in one), with `fields` on top.
---@param template tf.Template|string
---@param fields? tf.EndpointPatch|{ region?: string }
---@return tf.EndpointSpec
function tf_templates.spec(template, fields) end

---@class tf.log
tf_log = {}
---@param fmt string
---@param ... any
function tf_log.debug(fmt, ...) end
---@param fmt string
---@param ... any
function tf_log.info(fmt, ...) end
---@param fmt string
---@param ... any
function tf_log.warn(fmt, ...) end
---@param fmt string
---@param ... any
function tf_log.error(fmt, ...) end

---@class tf.json
---@field null lightuserdata the JSON null sentinel
tf_json = {}
---@param value any
---@param options? { pretty?: boolean }
---@return string
function tf_json.encode(value, options) end
---@param text string
---@return any
function tf_json.decode(text) end
---@generic T: table
---@param t T
---@return T
function tf_json.array(t) end
---@generic T: table
---@param t T
---@return T
function tf_json.object(t) end

---@class tf
---@field endpoints tf.endpoints
---@field templates tf.templates
---@field log tf.log
---@field json tf.json
---@field dry_run boolean true under --dry-run
---@field vars table<string, string> the --var key=value pairs
---@field version string
tf = {}

---Print records as an aligned table on stdout (counted against --max-output, like print).
---Columns are field names or dotted paths ("scaling.max_replicas"); default: the usual ones.
---@param rows table[]|table
---@param columns? string[]
function tf.show(rows, columns) end

---Pause the script (counts against --timeout). Inside tf.parallel, pauses only that worker.
---@param seconds number
function tf.sleep(seconds) end

---Run fn(item, index) for every item, each in its own coroutine: while one worker's tf call
---waits for the API, the others run. Results come back in item order.
---@generic T
---@param items T[]
---@param fn fun(item: T, index: integer): any
---@param options? tf.ParallelOptions
---@return tf.ParallelResult[] results one per item, in item order
---@return integer failures how many items raised an error
function tf.parallel(items, fn, options) end
