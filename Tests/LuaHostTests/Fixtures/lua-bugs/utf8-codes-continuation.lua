-- Bug: 'utf8.codes' does not raise an error on spurious continuation bytes (lua/lua a1089b41,
-- lua.org 5.4.4 bug list). Also utf8.len accepts them.
-- Stock Debian lua5.4: iterates "in\x80valid" without error. Fixed Lua: error "invalid UTF-8 code".
print(pcall(function() local n = 0; for _, c in utf8.codes("in\x80valid") do n = n + 1 end; return n end))
print(utf8.len("hel\x80lo"))
