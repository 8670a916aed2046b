-- Micro-benchmarks of ordinary uses (run by scripts/check-bounded --perf, once with --stock).
-- Prints "name seconds" (best of 3) per line.
local words = {}
for i = 1, 200000 do words[i] = ({"alpha", "beta", "gamma42", "x", "delta_e"})[i % 5 + 1] end
local text = table.concat(words, " ")  -- about 1.1 MB
local function best(f)
  local b = math.huge
  for _ = 1, 3 do
    local t0 = os.clock(); f(); local dt = os.clock() - t0
    if dt < b then b = dt end
  end
  return b
end
local cases = {
  {"gmatch_%w+_1MB", function() local n = 0 for _ in text:gmatch("%w+") do n = n + 1 end end},
  {"gsub_%w+_func_1MB", function() text:gsub("%w+", string.upper) end},
  {"gsub_%s+_str_1MB", function() text:gsub("%s+", "_") end},
  {"gsub_(%w+)_tmpl_1MB", function() text:gsub("(%w+)", "<%1>") end},
  {"find_plain_1MB_x20", function() for _ = 1, 20 do text:find("zzz", 1, true) end end},
  {"find_nomagic_1MB_x20", function() for _ = 1, 20 do text:find("gamma43") end end},
  {"find_[%d_]+_1MB_x5", function() for _ = 1, 5 do text:find("[%d_]+Q") end end},
  {"match_kv_200k", function()
    for _ = 1, 200000 do string.match("key_name = some value", "^%s*([%w_]+)%s*=%s*(.-)%s*$") end
  end},
  {"find_anchored_200k", function() for i = 1, 200000 do string.find("hello world", "^hello") end end},
  {"rep_1MB_x50", function() for _ = 1, 50 do string.rep("abc", 350000, ",") end end},
  {"concat_200k_x5", function() for _ = 1, 5 do table.concat(words, " ") end end},
  {"insert_remove_front_2k", function()
    local t = {} for i = 1, 2000 do table.insert(t, 1, i) end for _ = 1, 2000 do table.remove(t, 1) end
  end},
  {"sort_200k_random", function()
    local t, s = {}, 1 for i = 1, 200000 do s = (s * 1103515245 + 12345) % 2147483648 t[i] = s end table.sort(t)
  end},
  {"sort_50k_cmp", function()
    local t, s = {}, 1 for i = 1, 50000 do s = (s * 1103515245 + 12345) % 2147483648 t[i] = s end
    table.sort(t, function(a, b) return a > b end)
  end},
  {"sort_100k_organ_pipe", function()
    local t = {} for i = 1, 100000 do t[i] = i <= 50000 and i or 100000 - i end table.sort(t)
  end},
  {"unpack_move_x2000", function() local t = {} for i = 1, 200 do t[i] = i end for _ = 1, 2000 do table.move(t, 1, 200, 1, {}) ; table.unpack(t) end end},
}
for _, c in ipairs(cases) do print(c[1], string.format("%.4f", best(c[2]))) end
