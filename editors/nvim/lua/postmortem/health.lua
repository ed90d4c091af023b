--- `:checkhealth postmortem`
local M = {}

local uv = vim.uv or vim.loop

local function find_config(dir)
  local cur = dir
  while cur and cur ~= "" do
    local p = cur .. "/.postmortem-lsp.toml"
    if uv.fs_stat(p) then
      return p
    end
    local parent = vim.fs.dirname(cur)
    if parent == cur then
      break
    end
    cur = parent
  end
end

function M.check()
  local pm = require("postmortem")
  local h = vim.health
  h.start("postmortem")
  if vim.fn.has("nvim-0.11") == 1 then
    h.ok("Neovim " .. tostring(vim.version()) .. " (vim.lsp.config)")
  else
    h.error("Neovim 0.11 or newer is needed", { "Upgrade Neovim" })
  end
  if pm._enabled then
    h.ok("setup() registered the server as `" .. pm.name .. "`")
  else
    h.warn("setup() has not registered the server", { 'Call require("postmortem").setup({}) in your config' })
  end

  local cmd, why = pm.resolve_cmd(pm.options)
  if not cmd then
    h.error(why)
  elseif vim.fn.executable(cmd[1]) ~= 1 then
    h.error(cmd[1] .. " is not executable", { "Fix the path passed as setup({ cmd = … })" })
  else
    h.ok(("binary: %s (from %s)"):format(cmd[1], why))
    local r = vim.system({ cmd[1], "--version" }, { text = true }):wait(5000)
    local out = vim.trim((r and r.stdout) or "")
    if r and r.code == 0 and out:match("^postmortem%-lsp") then
      h.ok("version: " .. out)
    else
      h.warn("`" .. cmd[1] .. " --version` did not answer as postmortem-lsp: " .. out)
    end
  end

  local settings = pm.settings(pm.options)
  local env_key = vim.env.ANTHROPIC_API_KEY
  if settings.claude and settings.claude.apiKey then
    h.ok("Anthropic API key: set through setup({ api_key = … })")
  elseif env_key and env_key:match("%S") then
    h.ok("Anthropic API key: present in ANTHROPIC_API_KEY")
  else
    h.warn("Anthropic API key: not set, so drafting with Claude will not work (everything else does)", {
      "export ANTHROPIC_API_KEY=… before starting Neovim",
      'or setup({ api_key = function() return vim.fn.system("pass show anthropic"):gsub("%s+$", "") end })',
    })
  end

  -- :checkhealth runs in its own buffer: look at the one it was opened from.
  local name = vim.api.nvim_buf_get_name(0)
  if name:match("^health:") then
    local alt = vim.fn.bufnr("#")
    name = alt > 0 and vim.api.nvim_buf_get_name(alt) or ""
  end
  local dir = (name ~= "" and not name:match("^%a+://")) and vim.fs.dirname(name) or uv.cwd()
  local cfg = find_config(dir)
  if cfg then
    h.ok("workspace config: " .. cfg)
  else
    h.info("workspace config: no .postmortem-lsp.toml at or above " .. dir .. " (defaults apply)")
  end

  local clients = vim.lsp.get_clients({ name = pm.name })
  if #clients > 0 then
    for _, c in ipairs(clients) do
      h.ok(("client %d running, root %s, position encoding %s"):format(c.id, c.root_dir or "?", c.offset_encoding or "?"))
    end
  else
    h.info("no postmortem-lsp client running (it starts when a postmortem is opened)")
  end
end

return M
