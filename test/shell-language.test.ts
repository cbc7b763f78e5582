// The shell's command language, run non-interactively with sh -c, scripts
// and standard input: quoting, variables, lists, pipes, redirections, exit
// codes, control flow, aliases and errors.
import { describe, it, expect, afterAll } from 'vitest';
import { cleanupTempDirs } from './helpers.js';
import { sh, shOk } from './shell-helpers.js';

afterAll(() => cleanupTempDirs());

describe('sh: quoting and expansion', () => {
  it('single quotes, double quotes and backslashes', async () => {
    const out = await shOk(`X=val; echo 'a  $X "q"' "b  $X 'q'" c\\ d \\$X "\\$X \\"in\\"" ''""e`);
    expect(out).toBe(`a  $X "q" b  val 'q' c d $X $X "in" e\n`);
  });

  it('variables: ${}, defaults, length, special parameters, field splitting', async () => {
    const out = await shOk(`
      A="one  two"
      echo $A; echo "$A"; echo \${A}x; echo \${NOPE:-def} \${#A}
      echo \${NOPE:=set}; echo $NOPE
      echo $# $0 "$1" "$@"
      false; echo $?; true; echo $?
      echo $$ | grep -q . 2>/dev/null; test -n "$$" && echo pid
    `, { shArgs: ['myname', 'x y', 'z'] });
    expect(out).toBe('one two\none  two\none twox\ndef 8\nset\nset\n2 myname x y x y z\n1\n0\npid\n');
  });

  it('prefix and suffix removal', async () => {
    const out = await shOk('F=/rom/bin/ls.lua; echo ${F#*/} ${F##*/} ${F%.lua} ${F%%/*}x ${F%/*}; E=ls; echo ${F#/rom/bin/$E}');
    expect(out).toBe('rom/bin/ls.lua ls.lua /rom/bin/ls x /rom/bin\n.lua\n');
  });

  it('command substitution and arithmetic', async () => {
    const out = await shOk('echo "[$(echo a; echo b)]" `echo c`; N=4; echo $((N * 2 + 1)) $(( (1+2) % 2 )); X=$(false); echo $? "$(echo "in $(echo deep)")"');
    expect(out).toBe('[a\nb] c\n9 1\n1 in deep\n');
  });

  it('arithmetic: C precedence, **, bitwise, logic, ?:, assignments, ++/--, truncating division, errors', async () => {
    const r = await sh([
      'echo $((1+2*3)) $(( (1+2)*3 )) $((2**10)) $((2**3**2)) $((7/2)) $((-7/2)) $((-7%2)) $((7%-2))',
      'echo $((5^3)) $((5&3)) $((5|3)) $((~5)) $((!0)) $((!5)) $((1<<4)) $((256>>2))',
      'echo $((3>2)) $((3<=2)) $((3==3)) $((3!=3)) $((1&&0)) $((0||2)) $((1?10:20)) $((0?10:20))',
      'x=5; echo $((x+1)) $((x*=2)) $x $((x++)) $x $((++x)) $((x--)) $((--x)) $x',
      'y=3; echo $(( y += 4, y * 2 )) $y; e="x+1"; echo $((e*2)) $((0x10)) $((010)) $((2**40)) $((-0))',
      'z=0; echo $(( 0 && (z=5) )) $(( 1 || (z=6) )) $(( 1 ? 2 : (z=7) )) $z $(( $x + ${y} )) $((nope + 1))',
      'echo $((1/0)); echo $((2 +)); f=1.5; echo $((f)); echo end',
    ].join('\n'));
    expect(r.stdout).toBe('7 9 1024 512 3 -3 -1 1\n6 1 7 -6 1 0 16 64\n1 0 1 0 0 1 10 20\n6 10 10 10 11 12 12 10 10\n'
      + '14 7\n22 16 8 1099511627776 0\n0 1 2 0 17 1\nend\n');
    expect(r.stderr).toBe('sh: arithmetic: division by 0\nsh: arithmetic: syntax error in expression (error token is "2 +")\n'
      + 'sh: arithmetic: syntax error: invalid arithmetic operator (error token is ".5")\n');
  });

  it('field splitting and read follow $IFS; NAME=value before a built-in holds for it only', async () => {
    const out = await shOk([
      'v="  a  b  "; for w in x${v}y; do echo "[$w]"; done',
      'IFS=:; p="a::b:"; for w in $p; do echo "<$w>"; done',
      'read x y <<EOF',
      '1:2:3',
      'EOF',
      'echo "x=$x y=$y"',
      'IFS=", "; l="one, two,three ,  four"; for w in $l; do echo "{$w}"; done',
      'IFS=; q="a b"; for w in $q; do echo "($w)"; done',
      'unset IFS; read a b <<EOF',
      '  lead   and  rest  ',
      'EOF',
      'echo "a=[$a] b=[$b]"',
      'IFS=: read -r u v w <<EOF',
      'root:x:0:0',
      'EOF',
      'echo "u=$u v=$v w=$w IFS=[${IFS-unset}]"',
      'set -- p q r; echo "$*"; IFS=,; echo "$*"; IFS=; echo "$*"',
    ].join('\n'));
    expect(out).toBe('[x]\n[a]\n[b]\n[y]\n<a>\n<>\n<b>\nx=1 y=2:3\n{one}\n{two}\n{three}\n{four}\n(a b)\n'
      + 'a=[lead] b=[and  rest]\nu=root v=x w=0:0 IFS=[unset]\np q r\np,q,r\npqr\n');
  });

  it('export passes variables to programs; prefix assignments apply to one command', async () => {
    const out = await shOk(`
      LOCAL=1; export EXP=2
      lua -e 'print(os.getenv("LOCAL"), os.getenv("EXP"))'
      ONE=only lua -e 'print(os.getenv("ONE"))'
      lua -e 'print(os.getenv("ONE"))'
      unset EXP; lua -e 'print(os.getenv("EXP"))'
    `);
    expect(out).toBe('nil\t2\nonly\nnil\nnil\n');
  });

  it('globs expand sorted matches and stay literal without a match; ~ is HOME', async () => {
    const out = await shOk(`
      mkdir -p /tmp/g/sub; touch /tmp/g/b.lua /tmp/g/a.lua /tmp/g/c.txt /tmp/g/.hidden
      echo /tmp/g/*.lua; cd /tmp/g; echo *; echo ?.txt; echo [ab].lua; echo nomatch*; echo '*'
      HOME=/tmp/g; echo ~ ~/x
    `);
    expect(out).toBe('/tmp/g/a.lua /tmp/g/b.lua\na.lua b.lua c.txt sub\nc.txt\na.lua b.lua\nnomatch*\n*\n/tmp/g /tmp/g/x\n');
  });

  it('comments are ignored', async () => {
    expect(await shOk('echo a # not this\n# nor this\necho b#c')).toBe('a\nb#c\n');
  });
});

describe('sh: lists, pipes and redirections', () => {
  it('; && || and exit codes', async () => {
    const out = await shOk('true && echo and1; false && echo and2; false || echo or1; true || echo or2; false; echo $?; ! false; echo $?');
    expect(out).toBe('and1\nor1\n1\n0\n');
  });

  it('pipes connect stdout to stdin through several stages', async () => {
    const out = await shOk('echo hi | cat; echo "a b" | cat | cat -n; printf_missing=1; lua -e "for i=1,3 do print(i) end" | cat -n');
    expect(out).toBe('hi\n     1\ta b\n     1\t1\n     2\t2\n     3\t3\n');
  });

  it('a pipeline has the status of its last command', async () => {
    const r = await sh('echo x | false; echo $?; false | true; echo $?; echo x | cat | lua -e "os.exit(3)"');
    expect(r.stdout).toBe('1\n0\n');
    expect(r.code).toBe(3);
  });

  it('> >> < 2> 2>> and 2>&1', async () => {
    const out = await shOk(`
      echo one > /tmp/f; echo two >> /tmp/f; cat < /tmp/f
      ls /nope 2> /tmp/err; cat /tmp/err
      ls /nope 2>> /tmp/err; cat -n /tmp/err
      ls /nope 2>&1 | cat
      echo to-null 2>/dev/null >&2
      cat /tmp/f > /tmp/g; cat /tmp/g
    `);
    expect(out).toBe('one\ntwo\n'
      + "ls: cannot access '/nope': No such file or directory\n"
      + "     1\tls: cannot access '/nope': No such file or directory\n     2\tls: cannot access '/nope': No such file or directory\n"
      + "ls: cannot access '/nope': No such file or directory\n"
      + 'one\ntwo\n');
  });

  it('redirection errors are reported and the command is skipped', async () => {
    const r = await sh('cat < /nope; echo st=$?; echo x > /nodir/f; echo st=$?');
    expect(r.stdout).toBe('st=1\nst=1\n');
    expect(r.stderr).toBe('sh: /nope: No such file or directory\nsh: /nodir/f: No such file or directory\n');
  });

  it('built-ins can be redirected and used in pipelines', async () => {
    const out = await shOk('cd /tmp; pwd > /tmp/p; cat /tmp/p; alias x=y; alias | cat; type cd | cat');
    expect(out).toBe("/tmp\nalias x=y\ncd is a shell builtin\n");
  });

  it('here-documents: expanded or literal, <<- strips tabs, to programs, built-ins, loops, functions and pipes', async () => {
    const out = await shOk([
      'name=World',
      'cat <<EOF',
      'Hello $name $((1+2)) `echo bq` $(echo sub)',
      '\\$name \\\\ back',
      'EOF',
      "cat <<'EOF'",
      'literal $name',
      'EOF',
      'cat <<-EOF',
      '\ttab $name',
      '\t\ttwo',
      '\tEOF',
      'read a b <<EOF',
      'first second third',
      'EOF',
      'echo "read: $a / $b"',
      'while read line; do echo "loop: $line"; done <<EOF',
      'l1',
      'l2',
      'EOF',
      'f() { cat; }',
      'f <<EOF | cat -n',
      'to function',
      'EOF',
      'cat <<A; cat <<B',
      'from a',
      'A',
      'from b',
      'B',
      'x=$(cat <<EOF',
      'in subst',
      'EOF',
      ')',
      'echo "[$x]"',
      'cat <<EOF',
      'EOF',
      'echo end',
    ].join('\n'));
    expect(out).toBe('Hello World 3 bq sub\n$name \\ back\nliteral $name\ntab World\ntwo\nread: first / second third\n'
      + 'loop: l1\nloop: l2\n     1\tto function\nfrom a\nfrom b\n[in subst]\nend\n');
  });

  it('groups and subshells; a subshell does not change the shell', async () => {
    const out = await shOk('{ echo a; echo b; } > /tmp/o; cat /tmp/o; (cd /rom; X=1; pwd); pwd; echo "[$X]"; { echo c; echo d; } | cat -n');
    expect(out).toBe('a\nb\n/rom\n/\n[]\n     1\tc\n     2\td\n');
  });
});

describe('sh: control flow', () => {
  it('if / elif / else with test and [', async () => {
    const out = await shOk(`
      for n in 1 5 10; do
        if [ $n -lt 3 ]; then echo "$n small"; elif test $n -lt 7; then echo "$n medium"; else echo "$n big"; fi
      done
      if [ -d /rom ] && [ ! -f /rom ]; then echo dir; fi
      [ "a" = "a" ] && echo eq; [ -z "" ] && echo empty; [ -e /nope ] || echo missing
    `);
    expect(out).toBe('1 small\n5 medium\n10 big\ndir\neq\nempty\nmissing\n');
  });

  it('case: globs, alternatives, quoted and variable patterns, empty clauses, status', async () => {
    const out = await shOk(`
      for f in a.txt b.lua README "x y" ""; do
        case $f in
          *.txt) echo "$f: text" ;;
          *.lua|*.sh) echo "$f: code";;
          [A-Z]*) echo "$f: upper" ;;
          "x y") echo "quoted space" ;;
          '') echo empty ;;
        esac
      done
      case hello in h?llo) echo q;; esac
      case "*" in \\*) echo star-literal ;; *) echo no ;; esac
      case abc in "a*") echo wrong ;; a*) echo right ;; esac
      pat="*.md"; case x.md in $pat) echo var-pattern ;; esac
      case x.md in "$pat") echo wrong ;; *) echo quoted-var-literal ;; esac
      case none in a) echo a ;; esac; echo "none $?"
      case z in (z) echo paren ;; esac
      case e in e) ;; esac; echo "empty $?"
      case y in y) false ;; esac; echo "body $?"
      f() { case $1 in -h|--help) echo help ;; *) echo "arg $1" ;; esac; }
      f --help; f x
      case 2 in
        1) echo one ;;
        2)
          echo two
          echo lines
      esac
    `);
    expect(out).toBe('a.txt: text\nb.lua: code\nREADME: upper\nquoted space\nempty\nq\nstar-literal\nright\nvar-pattern\n'
      + 'quoted-var-literal\nnone 0\nparen\nempty 0\nbody 1\nhelp\narg x\ntwo\nlines\n');
  });

  it('while, until, break and continue', async () => {
    const out = await shOk(`
      i=0; while [ $i -lt 5 ]; do i=$((i+1)); if [ $i = 2 ]; then continue; fi; if [ $i = 4 ]; then break; fi; echo $i; done
      j=0; until [ $j -ge 2 ]; do echo j$j; j=$((j+1)); done
      for x in a b; do for y in 1 2; do echo $x$y; break; done; done
    `);
    expect(out).toBe('1\n3\nj0\nj1\na1\nb1\n');
  });

  it('for over words, globs and positional parameters; loops feed pipes', async () => {
    const out = await shOk('for a in "$@"; do echo "<$a>"; done; for w in x y; do echo $w; done | cat -n', { shArgs: ['sh', 'p q', 'r'] });
    expect(out).toBe('<p q>\n<r>\n     1\tx\n     2\ty\n');
  });
});

describe('sh: functions', () => {
  it('define, call with arguments, return a status, recurse', async () => {
    const out = await shOk(`
      greet() { echo "hello $1 ($#)"; return 3; echo never; }
      greet world x; echo st=$?; type greet
      fact() {
        if [ $1 -le 1 ]; then echo 1; return; fi
        n=$(fact $(($1 - 1))); echo $(($1 * n))
      }
      fact 5
      loop() { for i in 1 2 3; do if [ $i = 2 ]; then return 7; fi; echo $i; done; }; loop; echo $?
      echo "args kept: $#"
    `, { shArgs: ['sh', 'a', 'b'] });
    expect(out).toBe('hello world (2)\nst=3\ngreet is a function\n120\n1\n7\nargs kept: 2\n');
  });

  it('local: values for the rest of the call (callees see them), then the old value and export come back', async () => {
    const r = await sh(`
      x=global; export E=env
      inner() { echo "inner sees $x"; x=set-by-inner; }
      f() { local x=one y; echo "f: $x [$y]"; inner; echo "f: $x"; local E=shadow; sh -c 'echo "child E=[$E]"'; }
      f; echo "after: $x $E"; sh -c 'echo "child E=$E"'
      g() { local n=$1; if [ $n -gt 0 ]; then g $((n - 1)); fi; echo "n=$n"; }
      g 2
      k() { local q=in; return 3; }; q=out; k; echo "k $? $q"
      h() { local 1bad; echo "h $?"; }; h
      local z=1; echo "outside $?"
    `);
    expect(r.stdout).toBe('f: one []\ninner sees one\nf: set-by-inner\nchild E=[]\nafter: global env\nchild E=env\n'
      + 'n=0\nn=1\nn=2\nk 3 out\nh 1\noutside 1\n');
    expect(r.stderr).toBe("sh: local: `1bad': not a valid identifier\nsh: local: can only be used in a function\n");
  });

  it('functions work in pipelines, with redirections, in subshells; unset -f removes them', async () => {
    const r = await sh(`
      up() { while read line; do echo "> $line"; done; }
      echo a | up | cat
      up < /tmp/nothing-here
      greet() { echo "hi $1"; }
      greet file > /tmp/o; cat /tmp/o
      sub() ( cd /rom; pwd ); sub; pwd
      unset -f greet; greet
      return
    `);
    expect(r.stdout).toBe('> a\nhi file\n/rom\n/\n');
    expect(r.stderr).toBe("sh: /tmp/nothing-here: No such file or directory\nsh: greet: command not found\nsh: return: can only `return' from a function or sourced script\n");
  });
});

describe('sh: built-ins', () => {
  it('cd, cd -, OLDPWD and PWD; cd to a missing directory fails', async () => {
    const r = await sh('cd /rom/bin; echo $PWD; cd -; cd /nope; echo st=$?');
    expect(r.stdout).toBe('/rom/bin\n/\nst=1\n');
    expect(r.stderr).toBe('sh: cd: /nope: No such file or directory\n');
  });

  it('exit with a code, and the last status by default', async () => {
    expect((await sh('echo a; exit 7; echo b')).code).toBe(7);
    expect((await sh('false')).code).toBe(1);
    const r = await sh('exit abc');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('numeric argument required');
  });

  it('alias and unalias, including arguments after the alias', async () => {
    const r = await sh("alias ll='ls -1' greet='echo hello'; ll /rom; greet world; alias greet; unalias greet; greet; echo st=$?");
    expect(r.stdout).toBe("bin\nhelp\nlib\nsbin\nhello world\nalias greet='echo hello'\nst=127\n");
    expect(r.stderr).toBe('sh: greet: command not found\n');
  });

  it('export lists exported variables; set lists all; read splits a line', async () => {
    const out = await shOk(`export ZZ=1; export | grep -c '^export ZZ=1$'; set | grep -c '^ZZ=1$'; echo "a b c" > /tmp/l; read x y < /tmp/l; echo "$x|$y"`);
    expect(out).toBe('1\n1\na|b c\n');
  });

  it('background jobs with & and wait; $! is the last one', async () => {
    const out = await shOk('sleep 1 & echo started; wait $!; echo waited; lua -e "print(1)" & wait; echo end');
    expect(out).toBe('started\nwaited\n1\nend\n');
  });

  it('type and which find built-ins, aliases and programs', async () => {
    const r = await sh('type cd ls; which ls; which nope; echo st=$?');
    expect(r.stdout).toBe('cd is a shell builtin\nls is /rom/bin/ls.lua\n/rom/bin/ls.lua\nst=1\n');
  });

  it('source runs a file in this shell; eval runs its arguments', async () => {
    const out = await shOk("echo 'V=sourced; echo in-file' > /tmp/s.sh; . /tmp/s.sh; echo $V; eval 'echo ev; W=1'; echo $W");
    expect(out).toBe('in-file\nsourced\nev\n1\n');
  });

  it('set -e stops at the first failure', async () => {
    const r = await sh('set -e; echo a; false; echo b');
    expect(r.stdout).toBe('a\n');
    expect(r.code).toBe(1);
  });
});

describe('sh: errors', () => {
  it('an unknown command is "command not found" with status 127', async () => {
    const r = await sh('nosuchcmd arg; echo st=$?');
    expect(r.stdout).toBe('st=127\n');
    expect(r.stderr).toBe('sh: nosuchcmd: command not found\n');
  });

  it('a missing path is "No such file or directory"; a directory is not runnable', async () => {
    const r = await sh('/nope/x; echo $?; /rom; echo $?');
    expect(r.stdout).toBe('127\n126\n');
    expect(r.stderr).toBe('sh: /nope/x: No such file or directory\nsh: /rom: Is a directory\n');
  });

  it('syntax errors are reported with status 2', async () => {
    for (const [src, msg] of [
      ['echo a |', 'syntax error: unexpected end of file'],
      ['echo "open', 'syntax error: unexpected end of file'],
      ['if true; then echo x', 'syntax error: unexpected end of file'],
      ['echo a ;; echo b', "syntax error near unexpected token `;;'"],
      ['fi', "syntax error near unexpected token `fi'"],
      ['echo >', 'syntax error: unexpected end of file'],
      ['| cat', "syntax error near unexpected token `|'"],
      ['case x in a) echo a ;;', 'syntax error: unexpected end of file'],
      ['case x in a echo ;; esac', "syntax error near unexpected token `echo'"],
      ['esac', "syntax error near unexpected token `esac'"],
      ['cat <<EOF', 'syntax error: unexpected end of file'],
      ['cat <<EOF\nno end', 'syntax error: unexpected end of file'],
      ['case ; in esac', "syntax error near unexpected token `;'"],
    ]) {
      const r = await sh(src);
      expect(r.code, src).toBe(2);
      expect(r.stderr, src).toBe(`sh: ${msg}\n`);
    }
  });

  it('a program that raises an error gives status 1 and its message', async () => {
    const r = await sh('lua -e "error(\'bad thing\')"; echo st=$?');
    expect(r.stdout).toBe('st=1\n');
    expect(r.stderr).toContain('bad thing');
  });

  it('bad options of sh itself print the usage', async () => {
    const r = await sh('', { shArgs: [] });
    expect(r.code).toBe(0);
    const { runLua } = await import('./helpers.js');
    const bad = await runLua('coroutine.yield("syscall", "exec", "/rom/bin/sh.lua", "-q")');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('usage: sh');
  });
});

describe('sh: scripts and standard input', () => {
  it('sh FILE runs a script with arguments; #! lines are skipped', async () => {
    const out = await shOk("printf_=1; echo '#!/bin/sh' > /tmp/t.sh; echo 'echo \"script $1 $#\"' >> /tmp/t.sh; echo 'exit 4' >> /tmp/t.sh; sh /tmp/t.sh A B; echo st=$?");
    expect(out).toBe('script A 2\nst=4\n');
  });

  it('sh reads commands from a non-terminal stdin, continuing unfinished lines', async () => {
    const { runLua } = await import('./helpers.js');
    const r = await runLua('coroutine.yield("syscall", "exec", "/rom/bin/sh.lua")', {
      stdin: 'echo first\nfor i in 1 2\ndo echo $i\ndone\necho "multi\nline"\nexit 5\necho never\n',
    });
    expect(r.stdout).toBe('first\n1\n2\nmulti\nline\n');
    expect(r.code).toBe(5);
  });

  it('a .sh file without #! runs with the shell; a broken Lua program is status 126', async () => {
    const r = await sh("echo 'echo in-script $1' > /tmp/x.sh; /tmp/x.sh B; echo $?; echo 'x y z' > /tmp/bad.lua; /tmp/bad.lua; echo $?");
    expect(r.stdout).toBe('in-script B\n0\n126\n');
    expect(r.stderr).toBe("sh: /tmp/bad.lua:1: syntax error near 'y'\n");
  });

  it('a missing script is status 127', async () => {
    const r = await sh('sh /nope.sh; echo $?');
    expect(r.stdout).toBe('127\n');
    expect(r.stderr).toBe('sh: /nope.sh: No such file or directory\n');
  });
});
