-- cinder init (PID 1). Reaps orphans and keeps the computer alive; programs
-- started by the host (`cinder run`) are its children. The interactive
-- shell on tty1 comes with the terminal work.
while true do
  coroutine.yield()
end
