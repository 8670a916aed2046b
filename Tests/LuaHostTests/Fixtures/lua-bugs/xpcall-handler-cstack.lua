-- Bug: Lua-stack overflow when C stack overflows while handling an error (lua.org 5.4.4 bug list;
-- lua/lua 42d40581 = CVE-2022-33099, plus d61b0c60 which frees EXTRA_STACK in 'ccall' before
-- raising the C-stack error). Debian carries 42d40581 only.
-- Message handler that itself overflows the C stack while the stack is nearly full.
-- Stock Debian lua5.4: prints false + "error in error handling"-style message (no crash observed);
-- the Debian sources (with its CVE-2022-33099 patch) built with AddressSanitizer: same, ASan clean.
-- Sandbox expectation: false + an error message, no crash.
local function loop() assert(pcall(loop)) end
local ok, msg = xpcall(loop, loop)
print(ok, msg)
