-- A small test harness for headless Neovim: `T.test(name, fn)` registers a
-- test, `T.run()` runs them in order, prints `ok`/`not ok` lines and a final
-- `RESULT passed=N failed=M`, and quits with a non-zero code on failure.
-- Environment (set by run.sh): PM_REPO (the repository), PM_SERVER (the
-- postmortem-lsp binary), PM_FAKE (the fake-anthropic binary), PM_TMP (a
-- scratch folder for this run).
local T = { tests = {} }
local uv = vim.uv or vim.loop

T.repo = assert(os.getenv("PM_REPO"), "PM_REPO is not set")
T.server = assert(os.getenv("PM_SERVER"), "PM_SERVER is not set")
T.fake_bin = assert(os.getenv("PM_FAKE"), "PM_FAKE is not set")
T.tmp = assert(os.getenv("PM_TMP"), "PM_TMP is not set")
T.example = T.repo .. "/examples/checkout-outage"
T.fixtures = T.repo .. "/editors/fixtures"

-- How long to wait for anything the server or Neovim does.
T.PATIENCE = 20000

function T.test(name, fn)
  table.insert(T.tests, { name = name, fn = fn })
end

local function fmt(v)
  return vim.inspect(v, { newline = " ", indent = "" })
end

function T.eq(expected, actual, what)
  if not vim.deep_equal(expected, actual) then
    error(("%sexpected %s, got %s"):format(what and (what .. ": ") or "", fmt(expected), fmt(actual)), 2)
  end
end

function T.ok(cond, what)
  if not cond then
    error(what or "assertion failed", 2)
  end
  return cond
end

function T.contains(haystack, needle, what)
  if type(haystack) ~= "string" or not haystack:find(needle, 1, true) then
    error(("%sexpected %s to contain %s"):format(what and (what .. ": ") or "", fmt(haystack), fmt(needle)), 2)
  end
end

--- Waits until `cond()` is truthy; fails the test with `what` otherwise.
function T.wait(what, cond, ms)
  local value
  local ok = vim.wait(ms or T.PATIENCE, function()
    value = cond()
    return value
  end, 20)
  if not ok then
    error("timed out waiting for " .. what, 2)
  end
  return value
end

function T.read(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("*a")
  f:close()
  return s
end

function T.write(path, text)
  vim.fn.mkdir(vim.fs.dirname(path), "p")
  local f = assert(io.open(path, "wb"))
  f:write(text)
  f:close()
end

local counter = 0
--- A fresh workspace with the example's input files (and a `.git` folder so
--- it is its own root). `files` adds or replaces files by name.
function T.workspace(name, files)
  counter = counter + 1
  local dir = ("%s/%s-%d"):format(T.tmp, name, counter)
  vim.fn.mkdir(dir .. "/.git", "p")
  for _, f in ipairs({ "report.md", "chat.log", "metrics.md", "runbook.md" }) do
    T.write(dir .. "/" .. f, T.read(T.example .. "/" .. f))
  end
  for fname, text in pairs(files or {}) do
    T.write(dir .. "/" .. fname, text)
  end
  return dir
end

--- Starts the fake Anthropic server with a script (a file in
--- editors/fixtures or a table); returns { url, record, stop }.
function T.fake(script)
  counter = counter + 1
  local path = script
  if type(script) == "table" then
    path = ("%s/script-%d.json"):format(T.tmp, counter)
    T.write(path, vim.json.encode(script))
  elseif not script:find("/") then
    path = T.fixtures .. "/" .. script
  end
  local record = ("%s/record-%d.jsonl"):format(T.tmp, counter)
  local url
  local out = ""
  local proc = vim.system({ T.fake_bin, "--port", "0", "--script", path, "--record", record }, {
    stdin = true, -- the fake exits when its stdin closes (with this Neovim at the latest)
    stdout = function(_, data)
      if data then
        out = out .. data
      end
    end,
  })
  T.wait("the fake Anthropic server to listen", function()
    url = out:match("listening on (http://[%d%.:]+)")
    return url
  end)
  return {
    url = url,
    record = record,
    requests = function()
      local f = io.open(record, "rb")
      if not f then
        return {}
      end
      -- The server appends each request as one JSON line, the newline last.
      -- A large one can be read while it is still being written, so read the
      -- file once and keep only what ends in a newline: the rest is left for
      -- the next read. (Reading line by line, a line cut at the moment's end
      -- of file came back in two pieces once the writer went on.) Any
      -- complete line that does not decode is an error.
      local data = f:read("*a") or ""
      f:close()
      local complete = data:match("^(.*\n)") or ""
      local reqs = {}
      for line in complete:gmatch("([^\n]*)\n") do
        if line ~= "" then
          table.insert(reqs, vim.json.decode(line))
        end
      end
      return reqs
    end,
    stop = function()
      pcall(function()
        proc:write(nil)
      end)
      proc:wait(5000)
    end,
  }
end

--- Opens a file and waits for the postmortem client to attach and for its
--- first diagnostics. Returns bufnr, client.
function T.open(path, opts)
  opts = opts or {}
  vim.cmd("edit " .. vim.fn.fnameescape(path))
  local buf = vim.api.nvim_get_current_buf()
  local client = T.wait("postmortem-lsp to attach to " .. path, function()
    return require("postmortem").client(buf)
  end)
  if opts.diagnostics ~= false then
    T.wait("diagnostics for " .. path, function()
      return #vim.diagnostic.get(buf) > 0
    end)
  end
  return buf, client
end

--- `vim.ui.select`, answered from `T.choices` (an item's text, in order;
--- the first item once they run out), recording each prompt in `T.selects`.
T.choices = {}
T.selects = {}
vim.ui.select = function(items, opts, on_choice)
  table.insert(T.selects, { items = items, prompt = opts and opts.prompt })
  local want = table.remove(T.choices, 1) or items[1]
  local idx
  for i, it in ipairs(items) do
    if it == want then
      idx = i
    end
  end
  vim.schedule(function()
    on_choice(idx and items[idx] or nil, idx)
  end)
end

--- Stops every client and wipes every buffer between tests.
function T.reset()
  T.choices, T.selects = {}, {}
  pcall(function()
    require("postmortem")._consent = {}
  end)
  for _, c in ipairs(vim.lsp.get_clients()) do
    c:stop(true)
  end
  T.wait("clients to stop", function()
    return #vim.lsp.get_clients() == 0
  end)
  vim.cmd("silent! %bwipeout!")
end

--- Messages the server showed (window/showMessage), captured.
T.messages = {}
local show = vim.lsp.handlers["window/showMessage"]
vim.lsp.handlers["window/showMessage"] = function(err, result, ctx, cfg)
  table.insert(T.messages, result)
  return show(err, result, ctx, cfg)
end

-- Applies the source action titled `title` through the editor's own code
-- action path (`vim.lsp.buf.code_action`), as a user picking it would.
function T.source_action(title)
  vim.lsp.buf.code_action({
    context = { only = { "source" }, diagnostics = {} },
    filter = function(a)
      return a.title == title
    end,
    apply = true,
  })
end

function T.buffer_text(buf)
  return table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), "\n") .. "\n"
end

--- (line, byte column) of the first occurrence of `needle`, 0-based.
function T.find(buf, needle)
  for i, l in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    local s = l:find(needle, 1, true)
    if s then
      return i - 1, s - 1
    end
  end
  error("not in the buffer: " .. needle, 2)
end

function T.run()
  local passed, failed = 0, 0
  for _, t in ipairs(T.tests) do
    T.messages = {}
    local ok, err = xpcall(t.fn, debug.traceback)
    if ok then
      passed = passed + 1
      io.stdout:write("ok - " .. t.name .. "\n")
    else
      failed = failed + 1
      io.stdout:write("not ok - " .. t.name .. "\n" .. tostring(err):gsub("\n", "\n    ") .. "\n")
    end
    pcall(T.reset)
  end
  io.stdout:write(("RESULT passed=%d failed=%d\n"):format(passed, failed))
  io.stdout:flush()
  vim.cmd(failed == 0 and "qall!" or "cquit! 1")
end

--- Loads the plugin from the repository and sets it up with `opts`.
function T.setup(opts)
  vim.opt.runtimepath:prepend(T.repo .. "/editors/nvim")
  vim.cmd("runtime! plugin/postmortem.lua")
  local o = vim.tbl_deep_extend("force", { cmd = { T.server, "serve" }, notify_progress = false }, opts or {})
  require("postmortem").setup(o)
end

return T
