-- Hover shows a field's documentation; completion offers enum values and
-- the declared inputs in citations.
local T = dofile(os.getenv("PM_REPO") .. "/editors/nvim/test/helpers.lua")

T.setup({})

local function params(_, client, line, col)
  vim.api.nvim_win_set_cursor(0, { line + 1, col })
  return vim.lsp.util.make_position_params(0, client.offset_encoding)
end

local function open_mistakes(extra)
  local doc = T.read(T.example .. "/mistakes.postmortem.yaml")
  local dir = T.workspace("hc", { ["mistakes.postmortem.yaml"] = doc .. (extra or "") })
  return T.open(dir .. "/mistakes.postmortem.yaml")
end

local function float_text()
  for _, w in ipairs(vim.api.nvim_list_wins()) do
    if vim.api.nvim_win_get_config(w).relative ~= "" then
      local b = vim.api.nvim_win_get_buf(w)
      return table.concat(vim.api.nvim_buf_get_lines(b, 0, -1, false), "\n")
    end
  end
end

T.test("hover on a field shows its documentation", function()
  local buf, client = open_mistakes()
  local l, c = T.find(buf, "owner: payments-team")
  local p = params(buf, client, l, c + 2)
  local res = vim.lsp.buf_request_sync(buf, "textDocument/hover", p, T.PATIENCE)
  local hover = res and res[client.id] and res[client.id].result
  T.ok(hover, "a hover result")
  local text = hover.contents.value or hover.contents
  T.contains(text, "action_items.owner")
  T.contains(text, "The one person or team who will see this item through.")
  -- The range is the key under the cursor.
  T.eq({ line = l, character = c }, hover.range.start, "hover range start")

  -- And in the editor's own hover window.
  vim.lsp.buf.hover()
  local shown = T.wait("the hover window", float_text)
  T.contains(shown, "The one person or team who will see this item through.")
end)

T.test("hover after Chinese text on the same line", function()
  local buf, client = open_mistakes()
  -- A flow map with Chinese before the key we hover.
  local l = T.find(buf, "incident_ref:")
  vim.api.nvim_buf_set_lines(buf, l, l + 3, false, { 'incident_ref: {id: 事故-2026-0412, source: "[report §1]"}' })
  local _, c = T.find(buf, "source: \"[report")
  local p = params(buf, client, l, c + 1)
  local res = T.wait("a hover on incident_ref.source", function()
    local r = vim.lsp.buf_request_sync(buf, "textDocument/hover", p, T.PATIENCE)
    local h = r and r[client.id] and r[client.id].result
    return h and (h.contents.value or h.contents):find("incident_ref.source", 1, true) and h
  end)
  -- The range is in the negotiated encoding: bytes (UTF-8) here.
  T.eq("utf-8", client.offset_encoding)
  T.eq({ line = l, character = c }, res.range.start, "hover range start after Chinese")
  T.eq({ line = l, character = c + #"source" }, res.range["end"], "hover range end")
end)

T.test("completion offers the enum values of a field", function()
  local buf, client = open_mistakes()
  local l = T.find(buf, "primary_cause_category: configuration")
  local line = "  primary_cause_category: "
  vim.api.nvim_buf_set_lines(buf, l, l + 1, false, { line })
  local p = params(buf, client, l, #line)
  local labels = T.wait("enum completions", function()
    local r = vim.lsp.buf_request_sync(buf, "textDocument/completion", p, T.PATIENCE)
    local result = r and r[client.id] and r[client.id].result
    local items = result and (result.items or result) or {}
    local out = {}
    for _, it in ipairs(items) do
      out[it.label] = true
    end
    return out.config and out
  end)
  for _, v in ipairs({ "code", "config", "capacity", "dependency", "process", "training", "monitoring" }) do
    T.ok(labels[v], "missing completion " .. v)
  end
end)

T.test("completion inside a citation offers the declared inputs", function()
  local buf, client = open_mistakes()
  local l = T.find(buf, 'source: "[metrics §13]"')
  local line = '    source: "[r'
  vim.api.nvim_buf_set_lines(buf, l, l + 1, false, { line })
  local p = params(buf, client, l, #line)
  local labels = T.wait("citation completions", function()
    local r = vim.lsp.buf_request_sync(buf, "textDocument/completion", p, T.PATIENCE)
    local result = r and r[client.id] and r[client.id].result
    local items = result and (result.items or result) or {}
    local out, any = {}, false
    for _, it in ipairs(items) do
      out[it.label] = true
      any = true
    end
    return any and out
  end)
  local joined = table.concat(vim.tbl_keys(labels), " ")
  for _, name in ipairs({ "report", "chat", "metrics", "runbook" }) do
    T.contains(joined, name, "citation completions")
  end
end)

T.run()
