#!/usr/bin/env python3
# Run from web/pwa/ to remake icon-192.png, icon-512.png and icon-maskable-512.png (committed).
# Rasterises the page's icon (web/assets/favicon.svg's shapes) to PNG without any library:
# 4x4 supersampled coverage of a rounded square and a round-capped check mark.
import struct, zlib, math, sys
BLUE=(0x0a,0x66,0xc2); WHITE=(255,255,255)
def seg_dist(px,py,ax,ay,bx,by):
    dx,dy=bx-ax,by-ay; t=max(0,min(1,((px-ax)*dx+(py-ay)*dy)/(dx*dx+dy*dy)))
    return math.hypot(px-(ax+t*dx),py-(ay+t*dy))
def render(size, maskable):
    # In the 32-unit design space.
    if maskable: rx=0; pts=[(11.2,16.4),(14.6,19.8),(20.8,12.6)]; w=2.4
    else: rx=7; pts=[(9,16.5),(13.5,21),(23,11.5)]; w=3.2
    S=4; rows=[]
    for y in range(size):
        row=bytearray([0])
        for x in range(size):
            bg=0; fg=0
            for sy in range(S):
                for sx in range(S):
                    u=(x+(sx+0.5)/S)*32/size; v=(y+(sy+0.5)/S)*32/size
                    inside=True
                    if rx:
                        cx=min(max(u,rx),32-rx); cy=min(max(v,rx),32-rx)
                        inside=math.hypot(u-cx,v-cy)<=rx
                    if inside:
                        bg+=1
                        d=min(seg_dist(u,v,*pts[i],*pts[i+1]) for i in range(len(pts)-1))
                        if d<=w/2: fg+=1
            a=bg/(S*S); f=fg/bg if bg else 0
            c=[round(BLUE[k]*(1-f)+WHITE[k]*f) for k in range(3)]
            row+=bytes(c+[round(a*255)])
        rows.append(bytes(row))
    raw=b''.join(rows)
    def chunk(t,d): return struct.pack('>I',len(d))+t+d+struct.pack('>I',zlib.crc32(t+d)&0xffffffff)
    return b'\x89PNG\r\n\x1a\n'+chunk(b'IHDR',struct.pack('>IIBBBBB',size,size,8,6,0,0,0))+chunk(b'IDAT',zlib.compress(raw,9))+chunk(b'IEND',b'')
for name,size,m in [('icon-192.png',192,False),('icon-512.png',512,False),('icon-maskable-512.png',512,True)]:
    open(name,'wb').write(render(size,m))
