--- postmortem-lsp for Neovim 0.11+: registers the language server with
--- `vim.lsp.config`/`vim.lsp.enable` for the YAML files the server treats as
--- postmortems, and adds the drafting commands. See `:help postmortem`.
local M = {}

--- The name the server is registered under (`vim.lsp.config[...]`).
M.name = "postmortem"

--- Sections Claude can draft (the server's `prompts/sections/*.md`).
M.sections = {
  "incident_ref",
  "timeline",
  "root_cause",
  "contributing_factors",
  "what_went_well",
  "what_went_wrong",
  "action_items",
  "blameless_summary",
  "prevention_categories",
  "systemic_changes",
  "decision_log",
  "out_of_scope",
  "slo_impact",
}

local defaults = {
  -- The server command; nil: `postmortem-lsp` on PATH, else the binary built
  -- in the repository this plugin came from (target/release).
  cmd = nil,
  -- Extra environment for the server process (e.g. ANTHROPIC_BASE_URL).
  cmd_env = nil,
  -- The Anthropic API key: a string, or a function returning one (called at
  -- start). Sent to the server in memory only; nil leaves the server to read
  -- ANTHROPIC_API_KEY from its environment.
  api_key = nil,
  -- Server settings, as the `postmortem` section (`:help postmortem-settings`).
  rules = nil, -- { PM305 = "off", ["missing-owner"] = "warning" }
  inputs = nil, -- { maxBytes = 1048576 }
  blameless = nil, -- { people = {}, allow = {}, bots = {} }
  locale = nil, -- "en" | "zh-TW"
  claude = nil, -- { model, baseUrl, maxTokens, temperature, timeoutS,
  --                connectTimeoutS, structuredOutput, maxRetries, contextWindow,
  --                countTokens, promptsDir }
  -- Passed through to vim.lsp.config.
  on_attach = nil,
  capabilities = nil,
  -- Show progress begin/end with vim.notify.
  notify_progress = true,
}

M.options = vim.deepcopy(defaults)

local uv = vim.uv or vim.loop

local function exists(path)
  return path ~= nil and uv.fs_stat(path) ~= nil
end

--- The repository this plugin sits in (editors/nvim/lua/postmortem/init.lua).
function M.repo_root()
  local src = debug.getinfo(1, "S").source:sub(2)
  local root = vim.fs.dirname(vim.fs.dirname(vim.fs.dirname(vim.fs.dirname(vim.fs.dirname(src)))))
  if root and exists(root .. "/Cargo.toml") then
    return root
  end
  return nil
end

--- The server command: `opts.cmd`, else `postmortem-lsp` on PATH, else the
--- repository's `target/release/postmortem-lsp`. Returns the command list and
--- where it came from, or nil and why not.
function M.resolve_cmd(opts)
  opts = opts or M.options
  if opts.cmd then
    local cmd = type(opts.cmd) == "string" and { opts.cmd, "serve" } or opts.cmd
    return cmd, "setup({ cmd = … })"
  end
  local on_path = vim.fn.exepath("postmortem-lsp")
  if on_path ~= "" then
    return { on_path, "serve" }, "PATH"
  end
  local root = M.repo_root()
  if root then
    for _, p in ipairs({ root .. "/target/release/postmortem-lsp", root .. "/target/debug/postmortem-lsp" }) do
      if vim.fn.executable(p) == 1 then
        return { p, "serve" }, "the repository's build"
      end
    end
  end
  return nil,
    "postmortem-lsp was not found: put it on PATH (`cargo install --path crates/postmortem-lsp` in the repository), "
      .. "build it (`cargo build --release`), or pass setup({ cmd = { '/path/to/postmortem-lsp', 'serve' } })"
end

--- Is this file a postmortem? The server's rules: `postmortem.yaml`/`.yml`,
--- `*.postmortem.yaml`/`.yml`, under a `postmortems/` folder, or a top-level
--- `incident_ref:` line.
function M.is_postmortem(path, lines)
  local name = (vim.fs.basename(path or "") or ""):lower()
  if not (name:match("%.yaml$") or name:match("%.yml$")) then
    return false
  end
  if name == "postmortem.yaml" or name == "postmortem.yml" then
    return true
  end
  if name:match("%.postmortem%.ya?ml$") then
    return true
  end
  local dir = vim.fs.dirname(path) or ""
  for part in dir:gmatch("[^/\\]+") do
    if part == "postmortems" then
      return true
    end
  end
  for _, l in ipairs(lines or {}) do
    if l:match("^incident_ref:") or l:match("^\"incident_ref\":") or l:match("^'incident_ref':") then
      return true
    end
  end
  return false
end

local function buf_is_postmortem(bufnr)
  local path = vim.api.nvim_buf_get_name(bufnr)
  if path == "" then
    path = "untitled.yaml"
  end
  return M.is_postmortem(path, vim.api.nvim_buf_get_lines(bufnr, 0, -1, false))
end

--- The workspace root: the nearest folder with `.git` or
--- `.postmortem-lsp.toml` at or above the file, else the file's folder.
function M.root_of(path)
  local dir = vim.fs.dirname(vim.fs.normalize(path))
  local cur = dir
  while cur and cur ~= "" do
    if exists(cur .. "/.git") or exists(cur .. "/.postmortem-lsp.toml") then
      return cur
    end
    local parent = vim.fs.dirname(cur)
    if parent == cur then
      break
    end
    cur = parent
  end
  return dir
end

--- The `postmortem` settings section built from the options (the API key
--- included, in memory only).
function M.settings(opts)
  opts = opts or M.options
  local s = {}
  for _, k in ipairs({ "rules", "inputs", "blameless", "locale", "claude" }) do
    if opts[k] ~= nil then
      s[k] = vim.deepcopy(opts[k])
    end
  end
  local key = opts.api_key
  if type(key) == "function" then
    local ok, v = pcall(key)
    key = ok and v or nil
  end
  if type(key) == "string" and key:match("%S") then
    s.claude = s.claude or {}
    s.claude.apiKey = vim.trim(key)
  end
  return s
end

--- Active progress tokens of our drafts, by client id.
M._progress = {}

local function on_progress(ev)
  local client = vim.lsp.get_client_by_id(ev.data.client_id)
  if not client or client.name ~= M.name then
    return
  end
  local params = ev.data.params or {}
  local value = params.value or {}
  local tokens = M._progress[client.id] or {}
  M._progress[client.id] = tokens
  if value.kind == "begin" then
    tokens[params.token] = value.title or true
    if M.options.notify_progress then
      vim.notify(
        "postmortem: " .. (value.title or "working") .. " (:PostmortemCancel to stop)",
        vim.log.levels.INFO
      )
    end
  elseif value.kind == "end" then
    tokens[params.token] = nil
    if M.options.notify_progress and value.message then
      vim.notify("postmortem: " .. value.message, vim.log.levels.INFO)
    end
  end
end

--- Registers and enables the server. Options: see `:help postmortem-setup`.
function M.setup(opts)
  if vim.fn.has("nvim-0.11") ~= 1 then
    vim.notify("postmortem: Neovim 0.11 or newer is needed (vim.lsp.config)", vim.log.levels.ERROR)
    return
  end
  M.options = vim.tbl_deep_extend("force", vim.deepcopy(defaults), opts or {})
  require("postmortem.commands").create()
  local cmd, why = M.resolve_cmd(M.options)
  M._cmd_problem = cmd == nil and why or nil
  local settings = M.settings(M.options)
  local config = {
    cmd = cmd,
    cmd_env = M.options.cmd_env,
    filetypes = { "yaml" },
    root_dir = function(bufnr, on_dir)
      if buf_is_postmortem(bufnr) then
        local name = vim.api.nvim_buf_get_name(bufnr)
        on_dir(M.root_of(name ~= "" and name or (uv.cwd() .. "/untitled.yaml")))
      end
    end,
    settings = { postmortem = settings },
    init_options = { postmortem = settings },
    on_attach = M.options.on_attach,
    capabilities = M.options.capabilities,
  }
  if not cmd then
    M._enabled = false
    vim.notify("postmortem: " .. why, vim.log.levels.WARN)
    return
  end
  vim.lsp.config(M.name, config)
  vim.lsp.enable(M.name)
  -- Code actions run these commands through the client: ask first there too.
  for name in pairs(M.sending) do
    vim.lsp.commands[name] = function(command, ctx)
      local args = vim.deepcopy((command.arguments or {})[1] or {})
      M.exec(name, args, ctx.bufnr)
    end
  end
  M._enabled = true
  local group = vim.api.nvim_create_augroup("postmortem", { clear = true })
  vim.api.nvim_create_autocmd("LspProgress", { group = group, callback = on_progress })
end

--- The postmortem client attached to a buffer (current by default).
function M.client(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  return vim.lsp.get_clients({ name = M.name, bufnr = bufnr })[1], bufnr
end

local function need_client(bufnr)
  local client, b = M.client(bufnr)
  if not client then
    vim.notify(
      "postmortem: no postmortem-lsp client in this buffer; open a postmortem (see :checkhealth postmortem)",
      vim.log.levels.WARN
    )
  end
  return client, b
end

--- The commands that send the postmortem and its inputs to Claude: each asks
--- for consent first (`M.with_consent`).
M.sending = {
  ["postmortem.draftSection"] = true,
  ["postmortem.draftMissing"] = true,
  ["postmortem.review"] = true,
  ["postmortem.reviewWording"] = true,
}

--- Workspaces (client root folders) whose user chose "Always for this
--- workspace", for this Neovim session.
M._consent = {}

local sent_count = 0

--- Opens what a draft would send (the request, redacted: each text block as
--- it is sent, then the other fields) in a read-only scratch buffer, in a
--- split. Returns the buffer.
function M.show_sent(text)
  sent_count = sent_count + 1
  local b = vim.api.nvim_create_buf(false, true)
  vim.api.nvim_buf_set_name(b, ("postmortem://what-is-sent-%d.md"):format(sent_count))
  vim.api.nvim_buf_set_lines(b, 0, -1, false, vim.split(text, "\n", { plain = true }))
  vim.bo[b].filetype = "markdown"
  vim.bo[b].bufhidden = "wipe"
  vim.bo[b].modifiable = false
  vim.bo[b].readonly = true
  vim.cmd("split")
  vim.api.nvim_win_set_buf(0, b)
  return b
end

--- Asks before sending (`vim.ui.select` with the server's question: Send,
--- Always for this workspace, Show what is sent, Cancel), then calls
--- `go(args)` with the consent in `args.consent`. Nothing is sent on Cancel.
function M.with_consent(client, bufnr, command, args, go)
  local root = client.root_dir or ""
  if M._consent[root] then
    args.consent = "always"
    return go(args)
  end
  local preview = { uri = args.uri }
  if command == "postmortem.review" then
    preview.section = "verify"
  elseif command == "postmortem.reviewWording" then
    preview.wording = true
  elseif args.section then
    preview.section = args.section
  end
  local function ask()
    client:request("workspace/executeCommand", { command = "postmortem.whatIsSent", arguments = { preview } }, function(err, p)
      if err or type(p) ~= "table" then
        vim.notify("postmortem: " .. (err and err.message or "no answer to postmortem.whatIsSent"), vim.log.levels.ERROR)
        return
      end
      if p.alwaysForWorkspace then
        args.consent = "always"
        return go(args)
      end
      vim.ui.select(p.actions, { prompt = p.question, kind = "postmortem.consent" }, function(_, idx)
        if idx == 1 then
          args.consent = "once"
          go(args)
        elseif idx == 2 then
          M._consent[root] = true
          args.consent = "always"
          go(args)
        elseif idx == 3 then
          M.show_sent(p.text)
          ask()
        else
          vim.notify("postmortem: nothing was sent to Claude", vim.log.levels.INFO)
        end
      end)
    end, bufnr)
  end
  ask()
end

--- A response handler that shows an error as a notification, then calls
--- `cb(err, result)` if given.
local function reporting(cb)
  return function(err, result)
    if err then
      vim.notify("postmortem: " .. (err.message or tostring(err)), vim.log.levels.ERROR)
    end
    if cb then
      cb(err, result)
    end
  end
end

--- Runs a server command on the buffer; `cb(err, result)` when it returns.
--- Commands that send to Claude ask for consent first.
function M.exec(command, args, bufnr, cb)
  local client, b = need_client(bufnr)
  if not client then
    return false
  end
  args = args or { uri = vim.uri_from_bufnr(b) }
  if M.sending[command] and not args.consent then
    M.with_consent(client, b, command, args, function(a)
      M.exec(command, a, b, cb)
    end)
    return true
  end
  client:request("workspace/executeCommand", { command = command, arguments = { args } }, reporting(cb), b)
  return true
end

--- `:PostmortemDraft {section}`: drafts (or redrafts) one section with Claude.
function M.draft(section, bufnr)
  if not section or section == "" then
    vim.ui.select(M.sections, { prompt = "Draft which section?" }, function(choice)
      if choice then
        M.draft(choice, bufnr)
      end
    end)
    return
  end
  if not vim.tbl_contains(M.sections, section) then
    vim.notify(
      ("postmortem: `%s` is not a section Claude can draft; one of: %s"):format(section, table.concat(M.sections, ", ")),
      vim.log.levels.ERROR
    )
    return
  end
  local b = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  return M.exec("postmortem.draftSection", { uri = vim.uri_from_bufnr(b), section = section }, b)
end

--- `:PostmortemDraftMissing`: drafts every section that has no content.
function M.draft_missing(bufnr)
  return M.exec("postmortem.draftMissing", nil, bufnr)
end

--- `:PostmortemReview`: asks Claude to review the postmortem (writes `verify`).
function M.review(bufnr)
  return M.exec("postmortem.review", nil, bufnr)
end

--- `:PostmortemCancel`: cancels the drafts running for the buffer's client.
function M.cancel(bufnr)
  local client = need_client(bufnr)
  if not client then
    return 0
  end
  local n = 0
  for token in pairs(M._progress[client.id] or {}) do
    client:notify("window/workDoneProgress/cancel", { token = token })
    n = n + 1
  end
  if n == 0 then
    vim.notify("postmortem: nothing is running", vim.log.levels.INFO)
  end
  return n
end

--- `postmortem/render`: the buffer as the server renders it for readers
--- (`format` "html" or "markdown"). `cb(err, result)` with result.content.
function M.render(format, bufnr, cb)
  local client, b = need_client(bufnr)
  if not client then
    return false
  end
  local params = { textDocument = { uri = vim.uri_from_bufnr(b) }, format = format }
  client:request("postmortem/render", params, reporting(cb), b)
  return true
end

--- `:PostmortemPreview`: the buffer (saved or not) as one self-contained
--- HTML file in Neovim's temporary folder, opened with |vim.ui.open()|.
--- `cb(path)` once written.
function M.preview(bufnr, cb)
  return M.render("html", bufnr, function(err, result)
    if err or not result then
      return
    end
    local path = vim.fn.tempname() .. "-postmortem.html"
    local f, open_err = io.open(path, "wb")
    if not f then
      vim.notify(("postmortem: can't write %s: %s"):format(path, open_err), vim.log.levels.ERROR)
      return
    end
    f:write(result.content)
    f:close()
    local _, ui_err = vim.ui.open(path)
    if ui_err then
      vim.notify(
        ("postmortem: wrote %s but could not open it (%s); open it in a browser"):format(path, ui_err),
        vim.log.levels.WARN
      )
    end
    if cb then
      cb(path)
    end
  end)
end

--- `:PostmortemRender [md|html]`: the rendered document (Markdown by
--- default) in a new vertical split, a scratch buffer. `cb(bufnr)`.
function M.render_split(format, bufnr, cb)
  format = (format == nil or format == "") and "md" or format
  local kind = ({ md = "markdown", markdown = "markdown", html = "html" })[format]
  if not kind then
    vim.notify(("postmortem: `%s` is not a format; use md or html"):format(format), vim.log.levels.ERROR)
    return false
  end
  local src = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  return M.render(kind, src, function(err, result)
    if err or not result then
      return
    end
    vim.cmd("vnew")
    local buf = vim.api.nvim_get_current_buf()
    vim.bo[buf].buftype = "nofile"
    vim.bo[buf].bufhidden = "wipe"
    vim.bo[buf].swapfile = false
    vim.api.nvim_buf_set_lines(buf, 0, -1, false, vim.split(result.content, "\n", { plain = true }))
    vim.bo[buf].modified = false
    vim.bo[buf].filetype = kind
    local name = vim.fs.basename(vim.api.nvim_buf_get_name(src)):gsub("%.ya?ml$", "")
    pcall(vim.api.nvim_buf_set_name, buf, ("postmortem://%s.%s"):format(name, kind == "markdown" and "md" or "html"))
    if cb then
      cb(buf)
    end
  end)
end

--- `:PostmortemReviewWording`: asks Claude for a deeper reading of the
--- blameless wording; its findings come back as diagnostics (source
--- "postmortem-lsp (claude)", rewrites as code actions). Never edits.
function M.review_wording(bufnr)
  return M.exec("postmortem.reviewWording", nil, bufnr)
end

--- `:PostmortemLowConfidence`: the fields below H confidence, TODOs and action
--- items without owner, in the quickfix list. `cb(items)` when filled.
function M.low_confidence(bufnr, cb, open)
  local client, b = need_client(bufnr)
  if not client then
    return false
  end
  local uri = vim.uri_from_bufnr(b)
  return M.exec("postmortem.showLowConfidence", { uri = uri }, b, function(err, result)
    if err then
      return
    end
    local items = {}
    for _, loc in ipairs(result or {}) do
      local fname = vim.uri_to_fname(loc.uri)
      local lbuf = vim.fn.bufadd(fname)
      local line = (vim.api.nvim_buf_get_lines(lbuf, loc.range.start.line, loc.range.start.line + 1, false)[1]) or ""
      local col = vim.str_byteindex(line, client.offset_encoding or "utf-16", loc.range.start.character, false)
      table.insert(items, {
        filename = fname,
        lnum = loc.range.start.line + 1,
        col = col + 1,
        text = ("[%s] %s"):format(loc.kind or "verify", loc.message or ""),
        type = loc.kind == "noOwner" and "W" or "I",
      })
    end
    vim.fn.setqflist({}, " ", { title = "Postmortem: fields to verify", items = items })
    if #items == 0 then
      vim.notify("postmortem: nothing to verify: every field has H confidence", vim.log.levels.INFO)
    elseif open ~= false then
      vim.cmd("copen")
    end
    if cb then
      cb(items)
    end
  end)
end

return M
