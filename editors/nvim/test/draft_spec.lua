-- Drafting with Claude from Neovim against the fake Anthropic server: a code
-- action and :PostmortemDraft change the buffer; a failing server leaves it
-- exactly as it was and says why.
local T = dofile(os.getenv("PM_REPO") .. "/editors/nvim/test/helpers.lua")

local KEY = "sk-ant-test-nvim-5c1e"

local function open_mistakes(fake, extra_opts)
  T.setup(vim.tbl_deep_extend("force", {
    api_key = function()
      return KEY
    end,
    claude = { baseUrl = fake.url, maxRetries = 0, timeoutS = 10 },
  }, extra_opts or {}))
  local doc = T.read(T.example .. "/mistakes.postmortem.yaml")
  local dir = T.workspace("draft", { ["mistakes.postmortem.yaml"] = doc })
  local buf, client = T.open(dir .. "/mistakes.postmortem.yaml")
  return buf, client, doc
end

--- The text with the top-level `section` block (and one blank line) removed.
local function without_section(text, section)
  local s = text:find("\n" .. section .. ":", 1, true)
  assert(s, section .. " is not in the text")
  local rest = text:sub(s + 1)
  local e = rest:find("\n[%a]") or #rest
  local out = text:sub(1, s) .. rest:sub(e + 1)
  return (out:gsub("\n\n\n", "\n\n"))
end

local function progress_ended(client)
  for _, p in ipairs(T.progress) do
    if p.client_id == client.id and p.value.kind == "end" then
      return p
    end
  end
end

T.progress = {}
vim.api.nvim_create_autocmd("LspProgress", {
  callback = function(ev)
    local params = ev.data.params or {}
    table.insert(T.progress, { client_id = ev.data.client_id, token = params.token, value = params.value or {} })
  end,
})

T.test("a code action drafts the missing timeline into the buffer", function()
  T.progress = {}
  local fake = T.fake("draft-timeline.json")
  local buf, client, before = open_mistakes(fake)
  T.eq(before, T.buffer_text(buf), "buffer before")
  T.ok(not before:find("\ntimeline:"), "the example has no timeline")

  -- The source action, through the editor's own code action path.
  T.source_action("Draft all missing sections with Claude")
  T.wait("the drafted timeline in the buffer", function()
    return T.buffer_text(buf):find("\ntimeline:\n", 1, true)
  end)
  local after = T.buffer_text(buf)
  T.contains(after, "    kind: impact_start\n")
  T.contains(after, "CheckoutErrorRateHigh fires and pages the on-call engineer")
  -- Nothing else changed.
  T.eq(before, without_section(after, "timeline"), "the rest of the buffer")
  T.ok(vim.bo[buf].modified, "the buffer is modified, not saved behind the user's back")

  -- "All missing" drafts the timeline, then ends with the verify review (the
  -- script answers only the timeline: the review is rejected after its repair
  -- round trip and never applied). The key from setup(), the inputs as evidence.
  T.wait("the review to end", function()
    return #fake.requests() >= 3
  end)
  local reqs = fake.requests()
  T.eq(3, #reqs, "requests: the timeline, the review, its repair")
  T.contains(reqs[1].body, "Draft `timeline`")
  T.contains(reqs[2].body, "write its `verify` section")
  T.eq("/v1/messages", reqs[1].path)
  T.eq(KEY, reqs[1].headers["x-api-key"], "API key header")
  T.contains(reqs[1].body, "<input name=\\\"chat\\\">")
  -- Progress went through Neovim's LSP progress, begin to end.
  T.wait("the progress to end", function()
    return progress_ended(client)
  end)
  local kinds = {}
  for _, p in ipairs(T.progress) do
    if p.client_id == client.id then
      kinds[p.value.kind] = true
    end
  end
  T.ok(kinds.begin and kinds["end"], "progress begin and end: " .. vim.inspect(kinds))
  T.wait("the summary message", function()
    for _, m in ipairs(T.messages) do
      if m.message:find("Drafted timeline", 1, true) then
        return true
      end
    end
  end)
  -- The drafted section passes the checks: no finding inside it.
  local first = T.find(buf, "timeline:")
  local last = T.find(buf, "root_cause:")
  T.wait("fresh diagnostics", function()
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      if d.lnum > first and d.lnum < last and d.severity == vim.diagnostic.severity.ERROR then
        return false
      end
    end
    return true
  end)
  fake.stop()
end)

T.test(":PostmortemDraft timeline drafts the section", function()
  local fake = T.fake("draft-timeline.json")
  local buf = open_mistakes(fake)
  vim.cmd("PostmortemDraft timeline")
  T.wait("the drafted timeline", function()
    return T.buffer_text(buf):find("\ntimeline:\n", 1, true)
  end)
  T.eq(1, #fake.requests(), "requests")
  fake.stop()
end)

local function failing(script, status_word)
  T.progress = {}
  local fake = T.fake(script)
  local buf, client, before = open_mistakes(fake)
  vim.cmd("PostmortemDraft timeline")
  local ended = T.wait("the draft to end", function()
    return progress_ended(client)
  end)
  local msg = T.wait("an error message", function()
    for _, m in ipairs(T.messages) do
      if m.type == vim.lsp.protocol.MessageType.Error then
        return m.message
      end
    end
  end)
  T.contains(msg, status_word)
  T.ok(not msg:find(KEY, 1, true), "the key is not in the message")
  T.ok(ended.value.message, "progress end message")
  -- Give any (wrong) late edit a chance, then compare byte for byte.
  vim.wait(300)
  T.eq(before, T.buffer_text(buf), "the buffer after a failed draft")
  T.ok(not vim.bo[buf].modified, "the buffer is not modified")
  T.eq(1, #fake.requests(), "requests (no retry with maxRetries = 0)")
  fake.stop()
  return msg
end

T.test("a 401 from Claude leaves the buffer unchanged", function()
  local msg = failing("fail-401.json", "401")
  T.contains(msg:lower(), "key")
end)

T.test("a 529 (overloaded) leaves the buffer unchanged", function()
  failing("fail-529.json", "529")
end)

T.test("cancelling a slow draft leaves the buffer unchanged", function()
  T.progress = {}
  -- The answer trickles in over ~20 s; cancel as soon as it starts.
  local text = T.read(T.fixtures .. "/draft-timeline.json")
  local script = vim.json.decode(text)
  script.replies[1].stream.delay_ms = 500
  script.replies[1].stream.delta_chars = 20
  local fake = T.fake(script)
  local buf, client, before = open_mistakes(fake)
  vim.cmd("PostmortemDraft timeline")
  T.wait("progress to begin", function()
    for _, p in ipairs(T.progress) do
      if p.client_id == client.id and p.value.kind == "begin" then
        return true
      end
    end
  end)
  T.wait("the request to reach the fake server", function()
    return #fake.requests() == 1
  end)
  T.eq(1, require("postmortem").cancel(buf), "drafts cancelled")
  local ended = T.wait("the draft to end", function()
    return progress_ended(client)
  end)
  T.contains(ended.value.message, "cancelled")
  vim.wait(300)
  T.eq(before, T.buffer_text(buf), "the buffer after a cancelled draft")
  fake.stop()
end)

T.run()
