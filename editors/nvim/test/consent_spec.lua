-- Nothing is sent to Claude without consent (issue 13): the plugin asks with
-- vim.ui.select (Send, Always for this workspace, Show what is sent, Cancel),
-- shows what is sent in a read-only buffer, remembers "Always" for the
-- session, and a token pasted into the chat is never sent.
local T = dofile(os.getenv("PM_REPO") .. "/editors/nvim/test/helpers.lua")

local KEY = "sk-ant-test-nvim-consent-8a2f"

-- A GitHub token, generated here (no secret-looking literal is committed).
local ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
math.randomseed(os.time())
local chars = {}
for i = 1, 36 do
  local k = math.random(#ALNUM)
  chars[i] = ALNUM:sub(k, k)
end
local TOKEN = "ghp_" .. table.concat(chars)

local function open_with_token(fake)
  T.setup({
    api_key = function()
      return KEY
    end,
    claude = { baseUrl = fake.url, maxRetries = 0, timeoutS = 10 },
  })
  local doc = T.read(T.example .. "/mistakes.postmortem.yaml")
  local chat = T.read(T.example .. "/chat.log") .. "[15:20] priya: mirror token was " .. TOKEN .. ", rotating it now\n"
  local dir = T.workspace("consent", { ["mistakes.postmortem.yaml"] = doc, ["chat.log"] = chat })
  local buf, client = T.open(dir .. "/mistakes.postmortem.yaml")
  return buf, client, doc
end

local function no_token_in(fake)
  for _, r in ipairs(fake.requests()) do
    T.ok(not r.body:find(TOKEN, 1, true), "the token was sent")
    T.contains(r.body, "[REDACTED:github-pat]")
  end
end

T.test("Cancel sends nothing and leaves the buffer", function()
  local fake = T.fake("draft-timeline.json")
  local buf, _, before = open_with_token(fake)
  T.choices = { "Cancel" }
  vim.cmd("PostmortemDraft timeline")
  local asked = T.wait("the consent question", function()
    return T.selects[1]
  end)
  T.eq({ "Send", "Always for this workspace", "Show what is sent", "Cancel" }, asked.items, "actions")
  T.contains(asked.prompt, "Send mistakes.postmortem.yaml, report.md, chat.log")
  T.contains(asked.prompt, "1 secret redacted) to 127.0.0.1:")
  vim.wait(500)
  T.eq(0, #fake.requests(), "requests after Cancel")
  T.eq(before, T.buffer_text(buf), "the buffer after Cancel")
  fake.stop()
end)

T.test("Show what is sent opens a read-only buffer; Always is remembered", function()
  local script = vim.json.decode(T.read(T.fixtures .. "/draft-timeline.json"))
  table.insert(script.replies, vim.deepcopy(script.replies[1]))
  local fake = T.fake(script)
  local buf, _, before = open_with_token(fake)
  T.choices = { "Show what is sent", "Always for this workspace" }
  -- Through the code action, as the editor runs it.
  T.source_action("Draft all missing sections with Claude")
  local shown = T.wait("the what-is-sent buffer", function()
    for _, b in ipairs(vim.api.nvim_list_bufs()) do
      if vim.api.nvim_buf_get_name(b):find("what%-is%-sent") then
        return b
      end
    end
  end)
  local text = table.concat(vim.api.nvim_buf_get_lines(shown, 0, -1, false), "\n")
  T.contains(text, "[REDACTED:github-pat]")
  T.contains(text, "## system")
  T.contains(text, '"model"')
  T.ok(not text:find(TOKEN, 1, true), "the token is shown")
  T.ok(not vim.bo[shown].modifiable and vim.bo[shown].readonly, "the buffer is read-only")
  T.wait("the drafted timeline", function()
    return T.buffer_text(buf):find("\ntimeline:\n", 1, true)
  end)
  T.eq(2, #T.selects, "asked, shown, asked again")
  -- One consent for the whole job: the timeline, then the verify review and
  -- its repair round trip (the script answers only the timeline).
  T.wait("the review to end", function()
    return #fake.requests() >= 3
  end)
  local sent = #fake.requests()
  T.eq(3, sent, "requests")
  no_token_in(fake)

  -- Again (the timeline undone): no question this time.
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, vim.split(before:sub(1, -2), "\n", { plain = true }))
  vim.wait(300)
  -- (The current window shows the what-is-sent buffer: name the postmortem's.)
  require("postmortem").draft("timeline", buf)
  -- (At least one: the script has no answer left, so the server's repair
  -- round trip can follow within one polling interval.)
  T.wait("the next request", function()
    return #fake.requests() >= sent + 1
  end)
  T.eq(2, #T.selects, "no question after Always for this workspace")
  no_token_in(fake)
  fake.stop()
end)

T.run()
