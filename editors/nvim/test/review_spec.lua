-- "Review blameless wording with Claude" in Neovim, as a user runs it: the
-- source code action, the plugin's consent question, Claude's findings (from
-- the strict fake server) as diagnostics on the exact phrase, the rewrite as
-- a code action that is not applied by itself, and a finding that clears when
-- its value is edited.
local T = dofile(os.getenv("PM_REPO") .. "/editors/nvim/test/helpers.lua")

local KEY = "sk-ant-test-nvim-wording-3c1d"
local SOURCE = "postmortem-lsp (claude)"
local PHRASE = "People don't follow the process"

local function answer()
  return vim.json.encode({
    findings = {
      {
        path = "root_cause.five_whys[4].why_5",
        quote = PHRASE,
        rule = "PM302",
        reason = "This blames people instead of naming the missing guard.",
        rewrite = "Nothing enforces the process",
      },
    },
  })
end

local function ours(buf)
  return vim.tbl_filter(function(d)
    return d.source == SOURCE
  end, vim.diagnostic.get(buf))
end

T.test("the source action asks, then shows Claude's finding on the exact phrase", function()
  local fake = T.fake({ replies = { { stream = { text = answer() } } } })
  T.setup({
    api_key = function()
      return KEY
    end,
    claude = { baseUrl = fake.url, maxRetries = 0, timeoutS = 10 },
  })
  local doc = T.read(T.example .. "/mistakes.postmortem.yaml")
  local dir = T.workspace("wording", { ["mistakes.postmortem.yaml"] = doc })
  local buf = T.open(dir .. "/mistakes.postmortem.yaml")
  local before = T.buffer_text(buf)
  T.choices = { "Send" }
  T.source_action("Review blameless wording with Claude")
  local found = T.wait("Claude's finding as a diagnostic", function()
    local d = ours(buf)
    return #d > 0 and d
  end)
  T.eq(1, #T.selects, "one consent question")
  T.contains(T.selects[1].prompt, "to 127.0.0.1:")
  T.eq(1, #fake.requests(), "requests")
  local body = fake.requests()[1].body
  T.ok(not body:find(KEY, 1, true), "the key is in the body")
  T.contains(body, PHRASE)
  T.eq(1, #found, "findings")
  local d = found[1]
  T.eq("PM302", d.code)
  local line, col = T.find(buf, PHRASE)
  T.eq({ line, col, line, col + #PHRASE }, { d.lnum, d.col, d.end_lnum, d.end_col }, "range")
  T.eq(before, T.buffer_text(buf), "the buffer after the review")

  -- The rewrite is offered as a code action there, and not applied by itself.
  local titles = {}
  local params = vim.lsp.util.make_range_params(0, "utf-16")
  params.range = { start = { line = line, character = col }, ["end"] = { line = line, character = col } }
  params.context = { diagnostics = {}, only = { "quickfix" } }
  local client = require("postmortem").client(buf)
  local res = client:request_sync("textDocument/codeAction", params, 5000, buf)
  for _, a in ipairs((res and res.result) or {}) do
    table.insert(titles, a.title)
  end
  T.ok(
    vim.iter(titles):any(function(t)
      return t:find("Nothing enforces the process", 1, true) ~= nil
    end),
    "the rewrite among " .. vim.inspect(titles)
  )
  T.eq(before, T.buffer_text(buf), "the buffer after asking for code actions")

  -- Editing that value clears its finding.
  vim.api.nvim_buf_set_text(buf, line, col, line, col + #"People", { "Some teams" })
  T.wait("the finding to clear", function()
    return #ours(buf) == 0
  end)
  fake.stop()
end)

T.run()
