-- Diagnostics in a postmortem with Chinese text: each finding lands on the
-- exact characters, whichever position encoding the server negotiates.
local T = dofile(os.getenv("PM_REPO") .. "/editors/nvim/test/helpers.lua")

-- The example with mistakes, with three root-cause lines in 繁體中文 and a
-- Chinese name among the configured people.
local function zh_doc()
  local text = T.read(T.example .. "/mistakes.postmortem.yaml")
  local function sub(old, new)
    local s, e = text:find(old, 1, true)
    assert(s, "the example changed: " .. old)
    text = text:sub(1, s - 1) .. new .. text:sub(e + 1)
  end
  sub("- why_2: bob pushed a bad config that set the pool to 12.", "- why_2: 王小明 推送了把連線池設為 12 的設定。")
  sub(
    "- why_3: Human error. bob should have checked the config against peak load before merging.",
    "- why_3: 事後看來這是人為疏失，設定沒有對照尖峰流量檢查。"
  )
  sub("- why_4: The reviewer was careless and approved it without looking.", "- why_4: 審查者很粗心，沒看就核准了。")
  return text
end

local function find_diag(buf, code, lnum)
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if d.code == code and d.lnum == lnum then
      return d
    end
  end
end

local function check_positions(encoding_expected)
  local dir = T.workspace("zh", { ["incident.postmortem.yaml"] = zh_doc() })
  local buf, client = T.open(dir .. "/incident.postmortem.yaml")
  T.eq(encoding_expected, client.offset_encoding, "negotiated encoding")
  T.wait("the diagnostics with the configured people", function()
    local l = T.find(buf, "王小明")
    return find_diag(buf, "PM301", l)
  end)

  -- `王小明` named in the root cause (a configured person): error on the name.
  local l, c = T.find(buf, "王小明")
  local d = find_diag(buf, "PM301", l)
  T.ok(d, "PM301 on line " .. l)
  T.eq({ l, c, l, c + #"王小明" }, { d.lnum, d.col, d.end_lnum, d.end_col }, "PM301 range")
  T.eq(vim.diagnostic.severity.ERROR, d.severity, "PM301 severity")
  T.contains(d.message, "王小明")

  -- 人為疏失 after Chinese text on the same line: the column counts bytes here
  -- and UTF-16 units or bytes on the wire.
  l, c = T.find(buf, "人為疏失")
  d = find_diag(buf, "PM302", l)
  T.ok(d, "PM302 on the 人為疏失 line")
  T.eq({ l, c, l, c + #"人為疏失" }, { d.lnum, d.col, d.end_lnum, d.end_col }, "PM302 range (人為疏失)")

  l, c = T.find(buf, "粗心")
  d = find_diag(buf, "PM302", l)
  T.ok(d, "PM302 on the 粗心 line")
  T.eq({ l, c, l, c + #"粗心" }, { d.lnum, d.col, d.end_lnum, d.end_col }, "PM302 range (粗心)")

  -- An English finding further down is not shifted by the Chinese above.
  l, c = T.find(buf, "id: AI-002")
  d = find_diag(buf, "PM201", l)
  T.ok(d, "PM201 on AI-002")
  T.eq({ l, c }, { d.lnum, d.col }, "PM201 start")
  T.eq(vim.diagnostic.severity.ERROR, d.severity, "PM201 severity")
  T.contains(d.message, "AI-002 has no owner")
  T.eq("postmortem-lsp", d.source, "source")

  -- Typing keeps the positions exact: insert Chinese before 粗心 and look again.
  l, c = T.find(buf, "審查者")
  vim.api.nvim_buf_set_text(buf, l, c, l, c, { "當時的" })
  T.wait("PM302 to move right by 當時的", function()
    local _, c2 = T.find(buf, "粗心")
    local d2 = find_diag(buf, "PM302", l)
    return d2 and d2.col == c2 and d2.end_col == c2 + #"粗心"
  end)
end

T.setup({ blameless = { people = { "王小明" } } })

T.test("diagnostics land on Chinese text (UTF-8 negotiated)", function()
  check_positions("utf-8")
end)

T.test("diagnostics land on Chinese text (UTF-16 only)", function()
  T.setup({
    blameless = { people = { "王小明" } },
    capabilities = { general = { positionEncodings = { "utf-16" } } },
  })
  check_positions("utf-16")
end)

T.test("rule levels from setup() reach the server", function()
  T.setup({
    blameless = { people = { "王小明" } },
    rules = { PM201 = "off", PM302 = "hint" },
    capabilities = { general = { positionEncodings = { "utf-8", "utf-16" } } },
  })
  local dir = T.workspace("levels", { ["incident.postmortem.yaml"] = zh_doc() })
  local buf = T.open(dir .. "/incident.postmortem.yaml")
  local l = T.find(buf, "人為疏失")
  local d = T.wait("PM302 as a hint", function()
    return find_diag(buf, "PM302", l)
  end)
  T.eq(vim.diagnostic.severity.HINT, d.severity, "PM302 level")
  for _, x in ipairs(vim.diagnostic.get(buf)) do
    T.ok(x.code ~= "PM201", "PM201 is off but reported: " .. x.message)
  end
end)

T.test("YAML that is not a postmortem gets no client", function()
  local dir = T.workspace("other", { ["ci.yaml"] = "on: push\njobs: {}\n" })
  vim.cmd("edit " .. dir .. "/ci.yaml")
  vim.wait(500)
  T.eq(nil, require("postmortem").client(0), "client on ci.yaml")
  -- …but one with a top-level incident_ref is.
  T.write(dir .. "/notes.yaml", "incident_ref: {id: INC-1, source: \"[report §1]\"}\n")
  vim.cmd("edit " .. dir .. "/notes.yaml")
  T.wait("a client on notes.yaml", function()
    return require("postmortem").client(0)
  end)
end)

T.run()
