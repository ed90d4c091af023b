-- postmortem-lsp user commands. The server itself starts after
-- `require("postmortem").setup({...})` (see :help postmortem).
if vim.g.loaded_postmortem then
  return
end
vim.g.loaded_postmortem = true

require("postmortem.commands").create()
