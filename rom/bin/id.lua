-- id: print the user the shell runs as.
local args = { ... }
local mode = nil
for _, a in ipairs(args) do
    if a == "-u" or a == "-un" or a == "-nu" or a == "-n" then mode = "u"
    elseif a == "-r" then mode = "r"
    else
        io.stderr:write("usage: id [-u | -r]\n  -u  print only the effective user\n  -r  print only the real user\n")
        os.exit(2)
    end
end
local _, user, realuser = coroutine.yield("syscall", "getuser")
if mode == "u" then print(user) return end
if mode == "r" then print(realuser or user) return end
local line = "user=" .. tostring(user)
if realuser and realuser ~= user then line = line .. " realuser=" .. tostring(realuser) end
if user == "root" then line = line .. " (superuser)" end
print(line)
